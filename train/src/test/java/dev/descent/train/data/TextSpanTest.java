package dev.descent.train.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class TextSpanTest {
    @Test
    void bitsPerCharacterSpreadTheTokensNatsOverTheirCharacters() {
        // 4 tokens spelling 10 characters at ln 2 nats each carry 4 bits: 0.4 bits per character
        assertThat(new TextSpan(4, 10).bitsPerCharacter(Math.log(2))).isCloseTo(0.4, within(1e-12));
        // a uniform guess among 256 byte values costs 8 bits per byte, and an ASCII byte is a character
        assertThat(new TextSpan(1000, 1000).bitsPerCharacter(Math.log(256))).isCloseTo(8.0, within(1e-12));
    }

    @Test
    void aSpanCountsTheCharactersItsTokensSpell() {
        BytePairTokenizer bytes = BytePairTokenizer.bytes();
        TextSpan span = TextSpan.of(bytes, bytes.encodeDocument("Ahab's leg"));
        assertThat(span).isEqualTo(new TextSpan(11, 10));
    }

    @Test
    void anEmptySpanIsRefused() {
        assertThatThrownBy(() -> new TextSpan(3, 0)).hasMessageContaining("0 characters");
    }
}
