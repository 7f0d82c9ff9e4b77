package dev.vggstream.cli;

import dev.vggstream.inference.NativeMemory;

/** {@code vggstream}: see {@link VggStreamCommand}. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        NativeMemory.configure();
        System.exit(VggStreamCommand.commandLine().execute(args));
    }
}
