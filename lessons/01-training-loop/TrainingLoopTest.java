package dev.descent.lessons.l01;

import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;

class TrainingLoopTest {
    @Test
    void works() { assertThat(dev.descent.lessons.Lesson.hello()).isEqualTo("hi"); }
}
