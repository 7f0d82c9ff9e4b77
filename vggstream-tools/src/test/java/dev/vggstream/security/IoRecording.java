package dev.vggstream.security;

import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What this JVM read from files, did on sockets and which classes it loaded while the recording ran, from JDK
 * Flight Recorder: {@code jdk.FileRead} (FileInputStream, RandomAccessFile, FileChannel), {@code jdk.SocketRead}
 * and {@code jdk.SocketWrite}, {@code jdk.ClassLoad}, every one without a duration threshold.
 */
final class IoRecording implements AutoCloseable {

    /** What happened; each entry names the file, the peer or the class. */
    record Observed(List<String> fileReads, List<String> socketIo, List<String> classesLoaded) {
    }

    private final Recording recording = new Recording();
    private final Path dump;

    IoRecording(Path dump) {
        this.dump = dump;
        recording.setName("vggstream-payload-io");
        recording.enable("jdk.FileRead").withoutThreshold();
        recording.enable("jdk.SocketRead").withoutThreshold();
        recording.enable("jdk.SocketWrite").withoutThreshold();
        recording.enable("jdk.ClassLoad").withoutThreshold();
        recording.setToDisk(true);
        recording.start();
    }

    /** Stops the recording and reads every event it holds (none is lost: the whole recording is dumped). */
    Observed stop() throws IOException {
        recording.stop();
        recording.dump(dump);
        List<String> files = new ArrayList<>();
        List<String> sockets = new ArrayList<>();
        List<String> classes = new ArrayList<>();
        for (RecordedEvent e : RecordingFile.readAllEvents(dump)) {
            switch (e.getEventType().getName()) {
                case "jdk.FileRead" -> files.add(String.valueOf(e.getString("path")));
                case "jdk.SocketRead", "jdk.SocketWrite" -> sockets.add(e.getEventType().getName() + " "
                        + e.getString("host") + "/" + e.getString("address") + ":" + e.getInt("port"));
                case "jdk.ClassLoad" -> classes.add(e.getClass("loadedClass").getName());
                default -> { }
            }
        }
        Files.deleteIfExists(dump);
        return new Observed(files, sockets, classes);
    }

    @Override
    public void close() {
        recording.close();
    }
}
