package dev.vggstream.cli;

/** {@code vggstream}: see {@link VggStreamCommand}. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(VggStreamCommand.commandLine().execute(args));
    }
}
