package dev.descent.cuda.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ByteSizeTest {
    @ParameterizedTest
    @CsvSource({"4096, 4096", "512b, 512", "1k, 1024", "512m, 536870912", "8g, 8589934592", "8G, 8589934592",
        "8gb, 8589934592", "8GiB, 8589934592", "1.5g, 1610612736", "' 2 t ', 2199023255552", "0, 0"})
    void parsesSizesInPowersOf1024(String text, long bytes) {
        assertThat(ByteSize.parse(text)).isEqualTo(bytes);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "g", "-1g", "8x", "8 gigs", "1e9"})
    void rejectsTextThatIsNotASizeAndShowsExamples(String text) {
        assertThatThrownBy(() -> ByteSize.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + text + "'").hasMessageContaining("8g");
    }

    @ParameterizedTest
    @CsvSource({"0, 0 B", "1023, 1023 B", "1536, 1.50 KiB", "8589934592, 8.00 GiB", "1649267441664, 1.50 TiB"})
    void formatsWithBinaryUnits(long bytes, String text) {
        assertThat(ByteSize.format(bytes)).isEqualTo(text);
    }
}
