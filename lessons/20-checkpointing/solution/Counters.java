package dev.descent.lessons.checkpointing;

import java.util.Map;

/**
 * Exercise 20: the three numbers a checkpoint must hold besides the weights and the optimizer's tensors, and how
 * they travel: as text in the safetensors file's metadata. Leave one out and the resumed run is no longer the run
 * that was interrupted.
 *
 * @param step     the optimizer steps taken (the learning-rate schedule reads it)
 * @param cursor   where the next batch starts in the data
 * @param rngState the state of the generator that draws the dropout masks ({@code Rng.state()})
 */
record Counters(long step, int cursor, long rngState) {

    /** The metadata to save: each number as decimal text, under the keys "step", "cursor" and "rng". */
    Map<String, String> toMetadata() {
        return Map.of("step", Long.toString(step), "cursor", Integer.toString(cursor), "rng", Long.toString(rngState));
    }

    /** The numbers back from metadata that {@link #toMetadata} wrote. */
    static Counters fromMetadata(Map<String, String> metadata) {
        return new Counters(Long.parseLong(metadata.get("step")), Integer.parseInt(metadata.get("cursor")),
                Long.parseLong(metadata.get("rng")));
    }
}
