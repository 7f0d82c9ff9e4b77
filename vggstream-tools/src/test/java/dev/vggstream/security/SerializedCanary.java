package dev.vggstream.security;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serializable;

/** Sent Java-serialized as an event: if anything deserializes it, {@code readObject} counts a trip. */
final class SerializedCanary implements Serializable {

    private static final long serialVersionUID = 1L;

    final String payload;

    SerializedCanary(String payload) {
        this.payload = payload;
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        CanaryTrips.TRIPS.incrementAndGet();
    }
}
