package dev.descent.lessons.l01;

public final class Main {
    public static void main(String[] args) {
        System.out.println(dev.descent.lessons.Lesson.hello());
    }
}
