package dev.descent.lessons;
public final class Lesson { public static String hello() { return "hi"; } }
