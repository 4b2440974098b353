package com.calmline.conversation;

import com.calmline.emotion.AngerMeter;
import com.calmline.speech.Transcriber;
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
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a caller's turn the way a good agent listens: the complaint (what is wrong, since when, what they
 * want) apart from the outburst ("this is ridiculous"), what they ask for, whether they have named only the
 * topic so far, and whether they sound settled (thanks, "I just want this fixed"). Words the recogniser was
 * unsure of are treated as not heard, so they are never said back.
 */
final class TurnReader {
    private static final int MAX_WORDS = 14;
    /** Grammar's glue: kept even when unsure, since leaving one out breaks the sentence and saying it is harmless. */
    private static final Set<String> FUNCTION_WORDS = Set.of("a", "an", "the", "i", "i'm", "i've", "am", "is", "are",
            "was", "were", "be", "been", "it", "it's", "its", "to", "of", "and", "or", "but", "so", "in", "on", "at",
            "for", "with", "my", "me", "we", "you", "your", "our", "this", "that", "there", "have", "has", "had",
            "do", "does", "did", "um", "uh");
    private static final long CLAUSE_GAP_MS = 350;
    private static final Set<String> JOINERS = Set.of("and", "but", "so", "because", "cause", "then", "plus", "or",
            "also", "otherwise");
    /** Speech comes without punctuation: a new subject is where a new clause most likely starts. */
    private static final Set<String> SUBJECTS = Set.of("i", "i'm", "im", "i've", "i'd", "nobody", "they", "we",
            "it's", "its", "that's", "thats", "there's", "theres", "you're", "please");
    private static final Set<String> PRONOUN_SUBJECTS = Set.of("this", "it", "there", "you");
    private static final Set<String> POSSESSIVES = Set.of("my", "our", "your", "the");
    private static final Set<String> VERBS = Set.of("is", "was", "works", "worked", "keeps", "kept", "has", "had",
            "have", "does", "doesnt", "doesn't", "did", "didnt", "didn't", "still", "never", "always", "just",
            "stopped", "says", "said", "won't", "wont", "isnt", "isn't", "wasnt", "wasn't", "hasn't", "hasnt",
            "haven't", "cuts", "drops", "went", "came", "arrived", "charged", "sent", "broke", "keep", "are", "were",
            "people", "guys", "lot");
    private static final Pattern TOPIC_ONLY = Pattern.compile("\\b(about|regarding|concerning|with|re) (my|the|our"
            + "|your|a|an|this) ");
    private static final Pattern THREAT = Pattern.compile("\\b(or|otherwise|else) .*\\b(i'll|i will|i'm going to"
            + "|i am going to|i'm gonna|we will|we'll)\\b|\\b(i'll|i will|i'm going to|i am going to|i'm gonna"
            + "|we'll|we will) (be |just |definitely )?(cancel|leave|sue|report|complain|go to|post|switch|take you)"
            + "|\\b(lawyer|solicitor|ombudsman|regulator|court|trading standards|small claims)\\b");
    private static final Pattern INTERJECTION = Pattern.compile("^(oh my god|oh my goodness|my god|seriously|come on"
            + "|for god's sake|for goodness sake|for crying out loud|honestly|jesus|bloody hell|good grief"
            + "|you're joking|you're kidding|are you kidding( me)?|are you serious|what the \\w+)$");
    /** A verdict on the thing rather than what is wrong with it: "your service is a disgrace". */
    private static final Pattern EVALUATION = Pattern.compile("\\b(is|are|was|were|it's|that's)( (a|an|the|so"
            + "|absolutely|completely|totally|just|such a|an absolute|a complete|a total|the biggest))* (joke|disgrace"
            + "|ridiculous|useless|pathetic|shambles|farce|nightmare|rubbish|appalling|unacceptable|terrible|awful"
            + "|mess|laughable|scandal|disgusting|shocking|worst|con|scam|circus|embarrassment|insult)\\b");
    private static final Pattern THANKS = Pattern.compile("^((okay|ok|alright|all right|right|yes|yeah|fine|great"
            + "|perfect|lovely) )*(thank you|thanks|cheers)( (so|very) much| for (that|your help|listening|"
            + "explaining))?$|^(okay|ok|alright|all right|fine|that's fine|that is fine|that's okay|fair enough"
            + "|i understand|i see|that's great|perfect|great|lovely|sounds good|that works|that helps"
            + "|that would be great)( then)?$");
    private static final Pattern HELP = Pattern.compile("\\b((i just want|i just need|all i want is for|i want|i need)"
            + " (this|it|things|everything|my \\w+( \\w+)?) (fixed|sorted|resolved|sorted out|working|done|put right)"
            + "|(can|could|will) you (please )?(help|fix|sort)|what can you do|please (help|fix|sort)|help me"
            + "|what happens now|what (are|can) you (going to )?do)\\b");

    enum Kind { REQUEST, THREAT, THANKS, TOPIC, COMPLAINT, OUTBURST, OTHER }

    /**
     * One stretch of speech between pauses or clause boundaries; {@code gapped}: a word before the last one
     * heard was not heard, so what is left may have lost its subject or verb.
     */
    private record Clause(List<String> words, boolean gapped) {
        String text() {
            return String.join(" ", words);
        }
    }

    /**
     * @param issue       the complaint in the line's words ("your internet cuts out every single night")
     * @param issueWeight how much the issue says (topic and problem words), to keep the best one of a call
     * @param feeling     the outburst, in the caller's words without profanity ("this is absolutely ridiculous")
     * @param topic       the thing the call is about ("your monthly bill")
     * @param topicOnly   the turn names a topic but no problem yet ("a question about my bill")
     */
    record Reading(Optional<String> issue, int issueWeight, Optional<String> feeling, Optional<Request> request,
                   Optional<String> topic, boolean topicOnly, boolean thanks, boolean wantsHelp) {
    }

    private final Set<String> topics;
    private final Set<String> problems;
    private final Set<String> details;
    private final AngerMeter anger;

    private TurnReader(Set<String> topics, Set<String> problems, Set<String> details, AngerMeter anger) {
        this.topics = topics;
        this.problems = problems;
        this.details = details;
        this.anger = anger;
    }

    static TurnReader load(AngerMeter anger) {
        Set<String> topics = new HashSet<>();
        Set<String> problems = new HashSet<>();
        Set<String> details = new HashSet<>();
        try (InputStream in = TurnReader.class.getResourceAsStream("/conversation/topics.txt")) {
            if (in == null) {
                throw new IOException("missing /conversation/topics.txt");
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                String[] f = line.split("\t");
                if (line.startsWith("#") || f.length != 2) {
                    continue;
                }
                (f[0].equals("topic") ? topics : f[0].equals("problem") ? problems : details)
                        .addAll(Arrays.asList(f[1].trim().split("\\s+")));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new TurnReader(topics, problems, details, anger);
    }

    /** Reads one turn; {@code knownTopic} (from earlier turns) resolves a leading "it" ("it cuts out every night"). */
    Reading read(List<Transcriber.Utterance> turn, Optional<String> knownTopic) {
        List<Clause> clauses = clauses(turn);
        Optional<String> issue = Optional.empty();
        int issueWeight = 0;
        Optional<Request> request = Optional.empty();
        Optional<String> topic = Optional.empty();
        List<String> feelings = new ArrayList<>();
        boolean named = false;
        boolean complained = false;
        boolean thanks = false;
        for (Clause clause : clauses) {
            Optional<Request> asked = Request.in(clause.text());
            Kind kind = asked.isPresent() ? Kind.REQUEST : kind(clause);
            switch (kind) {
                case REQUEST -> request = request.or(() -> asked.map(this::withObject));
                case THREAT, OUTBURST -> feelings.add(spoken(clause.words()));
                case THANKS -> thanks = true;
                case TOPIC -> named = true;
                case COMPLAINT -> {
                    complained = true;
                    // A clause heard only in part says less, and is said back only as "a problem with ...".
                    int weight = clause.gapped() ? weight(clause.words()) / 2 : weight(clause.words());
                    if (weight > issueWeight) {
                        Optional<String> said = issue(clause, topic.or(() -> knownTopic));
                        if (said.isPresent()) {
                            issue = said;
                            issueWeight = weight;
                        }
                    }
                }
                default -> { }
            }
            if (topic.isEmpty()) {
                topic = topicPhrase(clause.words()).map(Phrasing::secondPerson);
            }
        }
        if (request.isEmpty() && turn.stream().anyMatch(u -> Request.asksForPerson(u.text().toLowerCase(Locale.ROOT)))) {
            // Asking for a person is heard from the phrase's shape, unsure words and all: a missed request
            // keeps a caller who wants a human talking to a machine, a false one only routes a little early.
            request = Optional.of(new Request(Request.Kind.PERSON, ""));
        }
        feelings.removeIf(String::isBlank);
        String text = String.join(" ", clauses.stream().map(Clause::text).toList());
        return new Reading(issue, issueWeight, feelings.isEmpty() ? Optional.empty()
                : Optional.of(String.join(", ", feelings)), request, topic,
                named && !complained && request.isEmpty(), thanks, HELP.matcher(text).find());
    }

    private Request withObject(Request r) {
        List<String> object = Phrasing.object(Arrays.asList(r.object().split("\\s+")));
        object.removeIf(anger::offensive);
        return new Request(r.kind(), object.isEmpty() ? "" : Phrasing.secondPerson(object));
    }

    /** What a clause that asks for nothing is. */
    private Kind kind(Clause clause) {
        String text = clause.text();
        if (THREAT.matcher(text).find()) {
            return Kind.THREAT;
        }
        if (THANKS.matcher(text).find()) {
            return Kind.THANKS;
        }
        boolean topic = clause.words().stream().anyMatch(topics::contains);
        boolean problem = clause.words().stream().anyMatch(w -> problems.contains(w) || details.contains(w));
        if (topic && !problem && TOPIC_ONLY.matcher(text).find()) {
            return Kind.TOPIC;
        }
        if (problem) {
            return Kind.COMPLAINT;
        }
        if (topic) {
            return EVALUATION.matcher(text).find() ? Kind.OUTBURST : Kind.COMPLAINT;
        }
        return INTERJECTION.matcher(text).find() || anger.text(text).level() != AngerMeter.Level.CALM
                ? Kind.OUTBURST : Kind.OTHER;
    }

    /** The complaint as the line says it back, or nothing if what was heard of it cannot be said cleanly. */
    private Optional<String> issue(Clause clause, Optional<String> earlierTopic) {
        List<String> words = new ArrayList<>(Phrasing.trimmed(clause.words()));
        words.removeIf(anger::offensive);
        if (clause.gapped()) {
            return topicPhrase(words).map(p -> "there is a problem with " + Phrasing.secondPerson(p));
        }
        words = best(words);
        if (words.isEmpty()) {
            return Optional.empty();
        }
        String said = Phrasing.secondPerson(words);
        if (words.get(0).equals("it") && words.stream().noneMatch(topics::contains) && earlierTopic.isPresent()) {
            said = earlierTopic.get() + said.substring(2);
        }
        return Optional.of(said);
    }

    /** The caller's own words, with profanity and insults left out. */
    private String spoken(List<String> words) {
        List<String> kept = new ArrayList<>(Phrasing.trimmed(words));
        kept.removeIf(anger::offensive);
        return String.join(" ", kept);
    }

    private Optional<List<String>> topicPhrase(List<String> words) {
        for (int i = 0; i < words.size(); i++) {
            if (topics.contains(words.get(i))) {
                List<String> phrase = Phrasing.nounPhrase(words, i, topics);
                phrase.removeIf(anger::offensive);
                return Optional.of(phrase);
            }
        }
        return Optional.empty();
    }

    /** How much a clause says: a topic word 4, a problem word 2, a detail 1. */
    private int weight(List<String> words) {
        int w = 0;
        for (String word : words) {
            w += topics.contains(word) ? 4 : problems.contains(word) ? 2 : details.contains(word) ? 1 : 0;
        }
        return w;
    }

    /** A long clause cut to the MAX_WORDS that say the most. */
    private List<String> best(List<String> words) {
        if (words.size() <= MAX_WORDS) {
            return words;
        }
        List<String> best = words.subList(0, MAX_WORDS);
        for (int i = 1; i + MAX_WORDS <= words.size(); i++) {
            List<String> w = words.subList(i, i + MAX_WORDS);
            if (weight(w) > weight(best)) {
                best = w;
            }
        }
        return Phrasing.trimmed(best);
    }

    /** Clauses at utterance boundaries, pauses between words, joiners and new subjects; unsure words dropped. */
    private List<Clause> clauses(List<Transcriber.Utterance> turn) {
        List<Clause> clauses = new ArrayList<>();
        for (Transcriber.Utterance u : turn) {
            List<Transcriber.Word> words = u.words().isEmpty() ? fromText(u) : u.words();
            List<String> current = new ArrayList<>();
            int heard = 0;
            boolean dropped = false;
            boolean gapped = false;
            for (int i = 0; i < words.size(); i++) {
                Transcriber.Word word = words.get(i);
                String w = word.word().toLowerCase(Locale.ROOT);
                String next = i + 1 < words.size() ? words.get(i + 1).word().toLowerCase(Locale.ROOT) : "";
                String after = i + 2 < words.size() ? words.get(i + 2).word().toLowerCase(Locale.ROOT) : "";
                if (w.startsWith("[")) {
                    // A redacted card number or address: the clause leading to it ("my card number is") is
                    // about the number, which is never said back, so it goes with it.
                    current = new ArrayList<>();
                    heard = 0;
                    dropped = false;
                    gapped = false;
                    continue;
                }
                boolean pause = i > 0 && word.startMs() - words.get(i - 1).endMs() >= CLAUSE_GAP_MS;
                boolean newSubject = SUBJECTS.contains(w) || (PRONOUN_SUBJECTS.contains(w) && VERBS.contains(next))
                        || (POSSESSIVES.contains(w) && topics.contains(next) && VERBS.contains(after));
                if (pause || ((JOINERS.contains(w) || newSubject) && heard >= 3)) {
                    add(clauses, current, gapped);
                    current = new ArrayList<>();
                    heard = 0;
                    dropped = false;
                    gapped = false;
                }
                heard++;
                if (!current.isEmpty() && current.get(current.size() - 1).equals(w)) {
                    continue; // a stammer, or the recogniser hearing one word twice: "i i cannot log in"
                }
                if (!word.sure() && !FUNCTION_WORDS.contains(w)) {
                    dropped = true;
                } else if (!JOINERS.contains(w) || !current.isEmpty()) {
                    gapped |= dropped;
                    dropped = false;
                    current.add(w);
                }
            }
            add(clauses, current, gapped);
        }
        return clauses;
    }

    private static void add(List<Clause> clauses, List<String> words, boolean gapped) {
        if (!words.isEmpty()) {
            clauses.add(new Clause(List.copyOf(words), gapped));
        }
    }

    private static List<Transcriber.Word> fromText(Transcriber.Utterance u) {
        List<Transcriber.Word> words = new ArrayList<>();
        for (String w : u.text().trim().split("\\s+")) {
            if (!w.isEmpty()) {
                words.add(new Transcriber.Word(w, u.startMs(), u.startMs(), 1.0));
            }
        }
        return words;
    }
}
