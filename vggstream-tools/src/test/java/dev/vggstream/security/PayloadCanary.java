package dev.vggstream.security;

/**
 * Named in payloads ({@code "@class"}, {@code "@type"}, {@code jar:} URLs) and never referenced by code, so it is
 * loaded only if something resolves a class name taken from an event. Loading it is seen by the JFR recording;
 * initialising it also counts a trip.
 */
final class PayloadCanary {

    static {
        CanaryTrips.TRIPS.incrementAndGet();
    }

    private PayloadCanary() {
    }
}
