package com.calmline.app;

import java.util.Arrays;
import java.util.List;

/** Word error rate: word-level edit distance over the reference length, after normalising case and punctuation. */
public final class WordErrorRate {
    /** At most this share of the words said may be missed, added or wrong in a whole call's transcript. */
    public static final double BUDGET = 0.25;

    private WordErrorRate() {
    }

    public static List<String> words(String text) {
        String clean = text.toLowerCase().replace("'", "").replaceAll("[^a-z0-9 ]", " ").trim();
        return clean.isEmpty() ? List.of() : Arrays.asList(clean.split("\\s+"));
    }

    public static double of(String reference, String hypothesis) {
        List<String> ref = words(reference);
        List<String> hyp = words(hypothesis);
        int[] prev = new int[hyp.size() + 1];
        int[] cur = new int[hyp.size() + 1];
        for (int j = 0; j <= hyp.size(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= ref.size(); i++) {
            cur[0] = i;
            for (int j = 1; j <= hyp.size(); j++) {
                int substitute = prev[j - 1] + (ref.get(i - 1).equals(hyp.get(j - 1)) ? 0 : 1);
                cur[j] = Math.min(substitute, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return ref.isEmpty() ? (hyp.isEmpty() ? 0 : 1) : (double) prev[hyp.size()] / ref.size();
    }
}
