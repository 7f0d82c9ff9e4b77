package dev.vggstream.inference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class NativeMemoryTest {

    private final String before = System.getProperty(NativeMemory.MAX_PHYSICAL_BYTES);

    @AfterEach
    void restore() {
        if (before == null) {
            System.clearProperty(NativeMemory.MAX_PHYSICAL_BYTES);
        } else {
            System.setProperty(NativeMemory.MAX_PHYSICAL_BYTES, before);
        }
    }

    @Test
    void theResidentSizeCheckIsTurnedOffWhenNobodySetIt() {
        System.clearProperty(NativeMemory.MAX_PHYSICAL_BYTES);
        NativeMemory.configure();
        assertThat(System.getProperty(NativeMemory.MAX_PHYSICAL_BYTES)).isEqualTo("0");
    }

    @Test
    void aLimitTheUserSetIsKept() {
        System.setProperty(NativeMemory.MAX_PHYSICAL_BYTES, "8g");
        NativeMemory.configure();
        assertThat(System.getProperty(NativeMemory.MAX_PHYSICAL_BYTES)).isEqualTo("8g");
    }
}
