package dev.vggstream.security;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts canary code that ran: {@link PayloadCanary}'s static initialiser and {@link SerializedCanary}'s
 * {@code readObject}. Payloads name those classes; a processor that treats payloads as data never runs either.
 */
final class CanaryTrips {

    static final AtomicInteger TRIPS = new AtomicInteger();

    private CanaryTrips() {
    }
}
