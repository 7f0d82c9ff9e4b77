package dev.vggstream.security;

/** Loaded by name in the control test only, to show that the recording sees a class load. */
final class RecorderProbe {

    private RecorderProbe() {
    }
}
