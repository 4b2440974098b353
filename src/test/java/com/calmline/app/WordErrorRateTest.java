package com.calmline.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class WordErrorRateTest {
    @Test
    void countsSubstitutionsInsertionsAndDeletionsOverReferenceLength() {
        assertEquals(0.0, WordErrorRate.of("I want a refund.", "i want a refund"));
        assertEquals(0.25, WordErrorRate.of("i want a refund", "i want the refund"));
        assertEquals(0.25, WordErrorRate.of("i want a refund", "i want refund"));
        assertEquals(0.5, WordErrorRate.of("i want a refund", "so i want a big refund"));
        assertEquals(1.0, WordErrorRate.of("refund", ""));
    }
}
