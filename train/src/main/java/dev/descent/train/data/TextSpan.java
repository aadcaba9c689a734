package dev.descent.train.data;

/**
 * A run of tokens and the number of characters of text they stand for: what turns a loss per token into bits
 * per character, a figure that compares models across tokenizations (a token of GPT-2 covers about four
 * characters of English, a byte-pair token of a 2,048-token vocabulary about three).
 */
public record TextSpan(long tokens, long characters) {

    public TextSpan {
        if (tokens <= 0 || characters <= 0) {
            throw new IllegalArgumentException("a text span needs tokens and characters, got " + tokens + " tokens, "
                    + characters + " characters");
        }
    }

    /** The span of {@code ids}; end-of-text tokens count as tokens but add no characters. */
    public static TextSpan of(Tokenizer tokenizer, int[] ids) {
        return new TextSpan(ids.length, tokenizer.characters(ids));
    }

    /** bits per character = (nats per token) · tokens / characters / ln 2. */
    public double bitsPerCharacter(double natsPerToken) {
        return natsPerToken * tokens / characters / Math.log(2);
    }
}
