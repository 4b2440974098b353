package com.calmline.conversation;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Finds the complaint in what the caller said and turns it to the second person, so the line can repeat
 * it back in the caller's own words: "i have been waiting three weeks for my refund" becomes
 * "you have been waiting three weeks for your refund".
 */
final class IssueExtractor {
    private static final int MAX_WORDS = 14;
    private static final Set<String> JOINERS = Set.of("and", "but", "so", "because", "cause", "then", "plus");
    /** Speech comes without punctuation: a new subject is where a new clause most likely starts. */
    private static final Set<String> SUBJECTS = Set.of("i", "i'm", "im", "nobody", "they", "we", "it's", "its",
            "that's", "thats", "there's", "theres");
    private static final Set<String> PRONOUN_SUBJECTS = Set.of("this", "it", "that", "there");
    private static final Set<String> VERBS = Set.of("is", "was", "works", "worked", "keeps", "kept", "has", "had",
            "does", "doesnt", "doesn't", "did", "didnt", "didn't", "still", "never", "always", "just", "stopped",
            "says", "said", "won't", "wont", "isnt", "isn't", "wasnt", "wasn't");
    private static final Set<String> DANGLING = Set.of("for", "to", "and", "the", "a", "an", "of", "with", "my",
            "your", "in", "on", "at", "from", "by", "this", "that", "about");
    private static final Set<String> FILLERS = Set.of("well", "so", "and", "but", "look", "listen", "okay", "ok",
            "um", "uh", "yeah", "yes", "hi", "hello", "oh", "right", "now", "basically", "anyway", "just");
    private static final Map<String, String> SECOND_PERSON = Map.ofEntries(
            Map.entry("i", "you"), Map.entry("me", "you"), Map.entry("my", "your"), Map.entry("mine", "yours"),
            Map.entry("myself", "yourself"), Map.entry("im", "you're"), Map.entry("i'm", "you're"),
            Map.entry("ive", "you've"), Map.entry("i've", "you've"), Map.entry("id", "you'd"),
            Map.entry("i'd", "you'd"), Map.entry("ill", "you'll"), Map.entry("i'll", "you'll"),
            Map.entry("we", "you"), Map.entry("us", "you"), Map.entry("our", "your"), Map.entry("ours", "yours"),
            Map.entry("we're", "you're"), Map.entry("we've", "you've"));

    private final Set<String> topics;
    private final Set<String> problems;

    private IssueExtractor(Set<String> topics, Set<String> problems) {
        this.topics = topics;
        this.problems = problems;
    }

    static IssueExtractor load() {
        Set<String> topics = new HashSet<>();
        Set<String> problems = new HashSet<>();
        try (InputStream in = IssueExtractor.class.getResourceAsStream("/conversation/topics.txt")) {
            if (in == null) {
                throw new IOException("missing /conversation/topics.txt");
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                String[] f = line.split("\t");
                if (line.startsWith("#") || f.length != 2) {
                    continue;
                }
                (f[0].equals("topic") ? topics : problems).addAll(Arrays.asList(f[1].trim().split("\\s+")));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new IssueExtractor(topics, problems);
    }

    /** The complaint, in the second person; empty when nothing said names what the call is about. */
    Optional<String> extract(String transcript) {
        List<String> best = List.of();
        double bestScore = 0;
        for (List<String> clause : clauses(transcript)) {
            List<String> window = window(clause);
            double score = score(window);
            if (score > bestScore) {
                best = window;
                bestScore = score;
            }
        }
        if (best.stream().noneMatch(topics::contains)) {
            return Optional.empty();
        }
        return Optional.of(secondPerson(best));
    }

    private double score(List<String> words) {
        double s = 0;
        for (String w : words) {
            s += topics.contains(w) ? 2 : problems.contains(w) ? 1 : 0;
        }
        return s;
    }

    private List<List<String>> clauses(String transcript) {
        List<List<String>> clauses = new ArrayList<>();
        List<String> current = new ArrayList<>();
        String[] words = transcript.toLowerCase().replaceAll("[^a-z' ]", " ").trim().split("\\s+");
        for (int i = 0; i < words.length; i++) {
            String w = words[i];
            boolean newSubject = SUBJECTS.contains(w)
                    || (PRONOUN_SUBJECTS.contains(w) && i + 1 < words.length && VERBS.contains(words[i + 1]));
            if ((JOINERS.contains(w) || newSubject) && current.size() >= 3) {
                clauses.add(current);
                current = new ArrayList<>();
            }
            if (!w.isEmpty() && !JOINERS.contains(w)) {
                current.add(w);
            }
        }
        if (!current.isEmpty()) {
            clauses.add(current);
        }
        return clauses;
    }

    /** Leading fillers and dangling trailing words dropped; a long clause cut to the MAX_WORDS that say the most. */
    private List<String> window(List<String> clause) {
        int start = 0;
        int end = clause.size();
        while (start < end - 1 && FILLERS.contains(clause.get(start))) {
            start++;
        }
        while (end > start + 1 && DANGLING.contains(clause.get(end - 1))) {
            end--;
        }
        List<String> words = clause.subList(start, end);
        if (words.size() <= MAX_WORDS) {
            return words;
        }
        List<String> best = words.subList(0, MAX_WORDS);
        for (int i = 1; i + MAX_WORDS <= words.size(); i++) {
            List<String> w = words.subList(i, i + MAX_WORDS);
            if (score(w) > score(best)) {
                best = w;
            }
        }
        return best;
    }

    private static String secondPerson(List<String> words) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < words.size(); i++) {
            String w = words.get(i);
            boolean afterI = i > 0 && words.get(i - 1).equals("i");
            if (afterI && w.equals("am")) {
                out.add("are");
            } else if (afterI && w.equals("was")) {
                out.add("were");
            } else {
                out.add(SECOND_PERSON.getOrDefault(w, w));
            }
        }
        return String.join(" ", out);
    }
}
