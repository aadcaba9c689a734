package dev.descent.train.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class TextSourcesTest {
    @Test
    void kjvOutputIsSplitIntoBooksWithoutHeadingsOrVerseNumbers() {
        String out = "Genesis 1\n\n  1 In the beginning God created the heaven and the earth.\n"
                + "  2 And the earth was without form, and void; and darkness was upon the face of\n"
                + "the deep.\n\nGenesis 2\n\n  1 Thus the heavens were finished.\n\nExodus 1\n\n"
                + "  1 Now these are the names.\n";
        List<String> books = TextSources.kjvBooks(out);
        assertThat(books).containsExactly(
                "In the beginning God created the heaven and the earth. And the earth was without form, and void; "
                        + "and darkness was upon the face of the deep. Thus the heavens were finished.",
                "Now these are the names.");
    }
}
