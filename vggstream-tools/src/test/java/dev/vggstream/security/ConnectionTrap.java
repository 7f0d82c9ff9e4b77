package dev.vggstream.security;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.awaitility.Awaitility.await;

/**
 * A loopback server socket that records every connection made to it (and closes it at once, so a client waiting
 * for an answer fails fast instead of hanging the test). Payloads point URLs at {@link #url(String)}.
 */
final class ConnectionTrap implements AutoCloseable {

    private final ServerSocket server;
    private final List<Integer> remotePorts = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    ConnectionTrap() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = new Thread(this::accept, "connection-trap-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    /** {@code http://127.0.0.1:<port>/<path>} */
    String url(String path) {
        return "http://127.0.0.1:" + port() + "/" + path;
    }

    /**
     * Connections other than our own sentinel, complete up to now: the sentinel is queued behind any earlier
     * connection, so once the acceptor has seen it, it has seen every connection made before this call.
     */
    List<Integer> connectionsSoFar() throws IOException {
        int sentinelPort;
        try (Socket sentinel = new Socket()) {
            sentinel.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port()), 5_000);
            sentinelPort = sentinel.getLocalPort();
            await().atMost(Duration.ofSeconds(10)).until(() -> remotePorts.contains(sentinelPort));
        }
        List<Integer> others = new ArrayList<>(remotePorts);
        others.remove(Integer.valueOf(sentinelPort));
        return others;
    }

    private void accept() {
        while (!server.isClosed()) {
            try (Socket s = server.accept()) {
                remotePorts.add(s.getPort());
            } catch (SocketException closed) {
                return;
            } catch (IOException e) {
                remotePorts.add(-1);
            }
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        server.close();
        acceptor.join(5_000);
    }
}
