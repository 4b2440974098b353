package com.calmline.review;

import com.calmline.json.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Why a call matched a search: the turn of its (redacted) transcript holding most of the searched words, those
 * words marked, the same words the index holds (whole words, any case, never inside a tag such as
 * {@code [card]}). The pieces are plain text; the template escapes them.
 */
final class Excerpts {
    private static final Pattern WORD = Pattern.compile("[a-z0-9']+");
    private static final Pattern TAG = Pattern.compile("\\[[a-z]+]");
    /** A longer turn is cut to this many characters around its first marked word. */
    static final int LONGEST = 240;
    private static final int BEFORE = 60;

    private Excerpts() {
    }

    /** The best matching turn of {@code utterances} (stored transcript lines) for {@code terms}; empty if none. */
    static Optional<SupervisorViews.Excerpt> find(List<String> utterances, Set<String> terms) {
        if (terms.isEmpty()) {
            return Optional.empty();
        }
        SupervisorViews.Excerpt best = null;
        int bestCount = 0;
        for (String line : utterances) {
            JsonNode t = Json.stored(line);
            String text = t.path("text").asText("");
            List<int[]> marks = marks(text, terms);
            Set<String> found = new HashSet<>();
            marks.forEach(m -> found.add(text.substring(m[0], m[1]).toLowerCase(Locale.ROOT)));
            if (found.size() > bestCount) {
                bestCount = found.size();
                long start = t.path("startMs").asLong();
                best = new SupervisorViews.Excerpt(t.path("speaker").asText(Transcripts.speaker(t.path("track").asText())),
                        String.format(Locale.ROOT, "%d:%02d", start / 60000, start / 1000 % 60), pieces(text, marks));
            }
        }
        return Optional.ofNullable(best);
    }

    /** Where each searched word is in {@code text}: start and end offsets, in order. */
    static List<int[]> marks(String text, Set<String> terms) {
        String lower = text.toLowerCase(Locale.ROOT);
        if (lower.length() != text.length()) {
            return List.of();
        }
        List<int[]> tags = new ArrayList<>();
        Matcher tag = TAG.matcher(lower);
        while (tag.find()) {
            tags.add(new int[] {tag.start(), tag.end()});
        }
        List<int[]> marks = new ArrayList<>();
        Matcher word = WORD.matcher(lower);
        while (word.find()) {
            int at = word.start();
            boolean inTag = tags.stream().anyMatch(g -> at >= g[0] && at < g[1]);
            if (!inTag && terms.contains(word.group())) {
                marks.add(new int[] {word.start(), word.end()});
            }
        }
        return marks;
    }

    /** The text as plain and marked pieces, cut to {@link #LONGEST} characters around the first mark. */
    static List<SupervisorViews.Piece> pieces(String text, List<int[]> marks) {
        int from = 0;
        int to = text.length();
        if (to > LONGEST && !marks.isEmpty()) {
            int first = marks.get(0)[0];
            from = Math.max(0, first - BEFORE);
            int space = text.indexOf(' ', from);
            if (from > 0 && space >= 0 && space < first) {
                from = space + 1;
            }
            to = Math.min(text.length(), from + LONGEST);
        }
        List<SupervisorViews.Piece> pieces = new ArrayList<>();
        if (from > 0) {
            pieces.add(new SupervisorViews.Piece("… ", false));
        }
        int at = from;
        for (int[] m : marks) {
            if (m[0] < from || m[1] > to) {
                continue;
            }
            if (m[0] > at) {
                pieces.add(new SupervisorViews.Piece(text.substring(at, m[0]), false));
            }
            pieces.add(new SupervisorViews.Piece(text.substring(m[0], m[1]), true));
            at = m[1];
        }
        if (at < to) {
            pieces.add(new SupervisorViews.Piece(text.substring(at, to), false));
        }
        if (to < text.length()) {
            pieces.add(new SupervisorViews.Piece(" …", false));
        }
        return pieces;
    }
}
