package dev.descent.lessons;

/**
 * What a lesson's exercise stub throws until the learner has written it. Every lesson has one: the piece of the
 * lesson's code in {@code NN-name/solution/}, the same file with that piece left out in {@code NN-name/exercise/},
 * and {@code ./lesson NN --check}, which runs the lesson's test against the learner's version.
 */
public final class Exercise {
    private Exercise() {
    }

    /**
     * The error a stub throws: which lesson, what is missing, and how to go on.
     *
     * @param lesson the lesson's number, "09"
     * @param what   what the learner writes, "Adam's bias correction m / (1 - beta^t)"
     */
    public static UnsupportedOperationException todo(String lesson, String what) {
        return new UnsupportedOperationException("exercise " + lesson + " is not written yet: " + what
                + ". Write it in the lesson's exercise/ folder and run ./lesson " + lesson + " --check; the solution "
                + "is in solution/.");
    }
}
