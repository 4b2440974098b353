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
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a caller's turn the way a good agent listens. Understanding uses every word the recogniser gave, sure
 * or not: what they ask for, whether they have named only the topic, whether they accept what the line said,
 * which part is the outburst ("this is ridiculous") and which the complaint. Saying back uses only what the
 * line is sure of: the complaint as a whole clause when every word of it was heard clearly, belongs to the
 * vocabulary of a problem, and makes a sentence; otherwise only the thing it is about ("your router"), and
 * otherwise nothing at all. A misheard word said back tells the caller they were not heard.
 */
final class TurnReader {
    private static final int MAX_WORDS = 14;
    /** A word said back must have been heard at least this surely (Vosk's posterior, 0-1). */
    static final double SAY_BACK_SURE = 0.9;
    /**
     * The thing a call is about is named back only when its own word was heard this surely, in speech that was
     * not garbled: on the development corpus every such word was truly said, while in garbled speech even words
     * the recogniser was certain of (0.99) were sometimes not.
     */
    private static final double THING_SURE = 0.8;
    /** An utterance with more than this share of unsure words was garbled: nothing of it is said back whole. */
    private static final double GARBLED = 0.25;
    /** Grammar's glue: an unsure one is harmless to understanding, and its flip is fixed. */
    private static final Set<String> FUNCTION_WORDS = Set.of("a", "an", "the", "i", "i'm", "i've", "am", "is", "are",
            "was", "were", "be", "been", "it", "it's", "its", "to", "of", "and", "or", "but", "so", "in", "on", "at",
            "for", "with", "my", "me", "we", "you", "your", "our", "this", "that", "there", "have", "has", "had",
            "do", "does", "did", "um", "uh", "us", "they", "them", "their");
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
            + "|we'll|we will) (be |just |definitely )?(cancel|leave|sue|report|complain|go to|post|switch|take you"
            + "|tell)|\\b(lawyer|solicitor|ombudsman|regulator|court|trading standards|small claims)\\b");
    private static final Pattern INTERJECTION = Pattern.compile("^(oh my god|oh my goodness|my god|seriously|come on"
            + "|for god's sake|for goodness sake|for crying out loud|honestly|jesus|bloody hell|good grief"
            + "|you're joking|you're kidding|are you kidding( me)?|are you serious|what the \\w+)$");
    /** A verdict on the thing rather than what is wrong with it: "your service is a disgrace". */
    private static final Pattern EVALUATION = Pattern.compile("\\b(is|are|was|were|it's|that's)( (a|an|the|so"
            + "|absolutely|completely|totally|just|such a|an absolute|a complete|a total|the biggest))* (joke|disgrace"
            + "|ridiculous|useless|pathetic|shambles|farce|nightmare|rubbish|appalling|unacceptable|terrible|awful"
            + "|mess|laughable|scandal|disgusting|shocking|worst|con|scam|circus|embarrassment|insult)\\b");
    /**
     * Accepting what the line said, anywhere in a clause: "go ahead", "that's fine", "let's get it sorted",
     * thanks, or a deadline stated ("as long as it's done by friday").
     */
    private static final Pattern ACCEPT = Pattern.compile("\\b(go ahead|that's fine|that is fine|that's okay"
            + "|that's ok|that's alright|that's all right|that works|that'll work|that will work|that would be"
            + " (great|good|fine|lovely|brilliant)|sounds good|sounds fine|sounds great|please do|yes please"
            + "|let's (do|get|sort|go|fix|try|have)|do that|fair enough|no worries|i appreciate|much appreciated"
            + "|thank you|thanks|cheers|as long as|put me through|i'll hold|i will hold|i can wait|i'll wait"
            + "|(by|before|until) (monday|tuesday|wednesday|thursday|friday|saturday|sunday|tomorrow|tonight"
            + "|the weekend|next week|the end of (the|this|next) (day|week|month)))\\b");
    /** A short clause that is only a yes: "fine", "okay then", "yeah alright". */
    private static final Pattern YES = Pattern.compile("^((okay|ok|alright|all right|right|fine|sure|yes|yeah|yep"
            + "|great|perfect|lovely|brilliant|cool|good|awesome|understood|i understand|i see|then|so|well"
            + "|whatever you think is best)\\s*)+$");
    private static final Pattern NOT_THANKS = Pattern.compile("\\b(thanks for nothing|no thanks|no thank you"
            + "|thanks a lot for|thanks to you)\\b");
    private static final Pattern HELP = Pattern.compile("\\b((i just want|i just need|all i want is for|i want|i need)"
            + " (this|it|things|everything|my \\w+( \\w+)?) (fixed|sorted|resolved|sorted out|working|done|put right)"
            + "|(can|could|will) you (please )?(help|fix|sort)|what can you do|please (help|fix|sort)|help me"
            + "|what happens now|what (are|can) you (going to )?do)\\b");

    enum Kind { REQUEST, THREAT, ACCEPT, TOPIC, COMPLAINT, OUTBURST, OTHER }

    /** One stretch of speech between pauses or clause boundaries, every word as heard, sure or not. */
    private record Clause(List<Transcriber.Word> heard, boolean garbled) {
        List<String> words() {
            return heard.stream().map(w -> w.word().toLowerCase(Locale.ROOT)).toList();
        }

        String text() {
            return String.join(" ", words());
        }
    }

    /**
     * @param issue       the complaint in the line's words ("your internet cuts out every single night"), only
     *                    when every word of it was heard surely and it makes a sentence
     * @param problem     the same complaint in the caller's own words ("my internet cuts out every single night"),
     *                    for the agent, who should not read the line's rewording as what the caller said
     * @param issueWeight how much the issue says (topic and problem words), to keep the best one of a call
     * @param feeling     the outburst, in the caller's words without profanity ("this is absolutely ridiculous")
     * @param requests    what the turn asks for, most pressing first (a person, a call back, then the rest)
     * @param topic       the thing the turn is about, in the line's words ("your monthly bill"), when heard surely
     * @param topicOnly   the turn names a topic but no problem yet ("a question about my bill")
     * @param complaint   the turn says what is wrong with what (a thing and a problem word in one clause, sure or
     *                    not), whether or not the line can say it back
     * @param accepted    how the caller accepted what the line said ("go ahead", "thank you"), if they did
     */
    record Reading(Optional<String> issue, Optional<String> problem, int issueWeight, Optional<String> feeling,
                   List<Request> requests, Optional<String> topic, boolean topicOnly, boolean complaint,
                   Optional<String> accepted, boolean wantsHelp) {
        Optional<Request> request() {
            return requests.stream().findFirst();
        }
    }

    private final Set<String> topics;
    private final Set<String> problems;
    private final Set<String> details;
    /** Every word a complaint said back may hold: topic, problem and detail words, and the sayable ones. */
    private final Set<String> vocabulary;
    private final AngerMeter anger;
    private final Grammar grammar;

    private TurnReader(Set<String> topics, Set<String> problems, Set<String> details, Set<String> sayable,
                       AngerMeter anger, Grammar grammar) {
        this.topics = topics;
        this.problems = problems;
        this.details = details;
        this.vocabulary = new HashSet<>(sayable);
        vocabulary.addAll(topics);
        vocabulary.addAll(problems);
        vocabulary.addAll(details);
        vocabulary.addAll(FUNCTION_WORDS);
        this.anger = anger;
        this.grammar = grammar;
    }

    static TurnReader load(AngerMeter anger) {
        Set<String> topics = new HashSet<>();
        Set<String> problems = new HashSet<>();
        Set<String> details = new HashSet<>();
        Set<String> sayable = new HashSet<>();
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
                Set<String> into = switch (f[0]) {
                    case "topic" -> topics;
                    case "problem" -> problems;
                    case "detail" -> details;
                    case "sayable" -> sayable;
                    default -> throw new IOException("/conversation/topics.txt: unknown kind " + f[0]);
                };
                into.addAll(Arrays.asList(f[1].trim().split("\\s+")));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new TurnReader(topics, problems, details, sayable, anger, Grammar.load());
    }

    /** Reads one turn; {@code knownTopic} (from earlier turns) resolves a leading "it" ("it cuts out every night"). */
    Reading read(List<Transcriber.Utterance> turn, Optional<String> knownTopic) {
        List<Clause> clauses = clauses(turn);
        Optional<String> issue = Optional.empty();
        Optional<String> problem = Optional.empty();
        int issueWeight = 0;
        Optional<String> topic = Optional.empty();
        List<String> feelings = new ArrayList<>();
        boolean named = false;
        boolean complained = false;
        boolean clear = false;
        Optional<String> accepted = Optional.empty();
        for (Clause clause : clauses) {
            switch (kind(clause)) {
                case THREAT, OUTBURST -> {
                    feelings.add(spoken(clause.words()));
                    accepted = Optional.empty();
                }
                case ACCEPT -> accepted = Optional.of(acceptance(clause.text()));
                case TOPIC -> named = true;
                case COMPLAINT -> {
                    complained = true;
                    clear |= clause.words().stream().anyMatch(topics::contains) && clause.words().stream()
                            .anyMatch(w -> problems.contains(w) || details.contains(w));
                    accepted = Optional.empty();
                    int weight = weight(clause.words());
                    if (weight > issueWeight) {
                        Optional<String> said = sayBack(clause, topic.or(() -> knownTopic));
                        if (said.isPresent()) {
                            issue = said;
                            problem = Optional.of(spoken(clause.words()));
                            issueWeight = weight;
                        }
                    }
                }
                default -> { }
            }
            if (topic.isEmpty()) {
                topic = thing(clause);
            }
        }
        List<Request> requests = requests(turn);
        feelings.removeIf(String::isBlank);
        String text = String.join(" ", clauses.stream().map(Clause::text).toList());
        return new Reading(issue, problem, issueWeight, feelings.isEmpty() ? Optional.empty()
                : Optional.of(String.join(", ", feelings)), requests, topic,
                named && !complained && requests.isEmpty(), clear || issue.isPresent(), accepted,
                HELP.matcher(text).find());
    }

    /**
     * What the turn asks for, from every word of each utterance as the recogniser gave it: a person first (a
     * caller who wants a human must not be kept talking to a machine), then a call back, then the rest.
     */
    private List<Request> requests(List<Transcriber.Utterance> turn) {
        Set<Request.Kind> kinds = new LinkedHashSet<>();
        List<Request> found = new ArrayList<>();
        for (Transcriber.Utterance u : turn) {
            for (Request r : Request.in(u.text().toLowerCase(Locale.ROOT))) {
                if (kinds.add(r.kind())) {
                    found.add(new Request(r.kind(), object(r.object(), u)));
                }
            }
        }
        found.sort(Comparator.comparing(Request::kind));
        return List.copyOf(found);
    }

    /**
     * What a request is about as the line may say it ("your membership"): its words heard surely that belong to
     * the vocabulary of a problem, around a topic word; otherwise nothing, and the prompt says "that".
     */
    private String object(String object, Transcriber.Utterance u) {
        if (garbled(u.words())) {
            return "";
        }
        Set<String> sure = new HashSet<>();
        u.words().stream().filter(w -> w.confidence() >= THING_SURE).forEach(w -> sure.add(w.word()));
        List<String> words = new ArrayList<>(Phrasing.object(Arrays.asList(object.split("\\s+"))));
        words.removeIf(w -> !sure.contains(w) || !vocabulary.contains(w) || anger.offensive(w));
        if (words.stream().noneMatch(topics::contains)) {
            return "";
        }
        if (!Phrasing.isDeterminer(words.get(0))) {
            words.add(0, "the");
        }
        return Phrasing.secondPerson(words);
    }

    /** What a clause is, read from all its words. */
    private Kind kind(Clause clause) {
        String text = clause.text();
        if (!Request.in(text).isEmpty()) {
            return Kind.REQUEST;
        }
        if (THREAT.matcher(text).find()) {
            return Kind.THREAT;
        }
        if (accepts(text)) {
            return Kind.ACCEPT;
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

    private static boolean accepts(String text) {
        return !NOT_THANKS.matcher(text).find() && (ACCEPT.matcher(text).find() || YES.matcher(text).matches());
    }

    /** The words of a clause that accepted, for the decision's reason. */
    private static String acceptance(String text) {
        List<String> cues = new ArrayList<>();
        Matcher m = ACCEPT.matcher(text);
        while (m.find()) {
            cues.add(m.group());
        }
        return cues.isEmpty() ? text : String.join(", ", cues);
    }

    /**
     * The complaint as the line says it back, or nothing: every word heard surely (a garbled utterance gives
     * nothing whole), no word outside the vocabulary of a problem, a problem word in it, short enough to say
     * whole, and a sentence once turned round (a subject, a verb, nothing dangling, no "it" that names nothing).
     */
    private Optional<String> sayBack(Clause clause, Optional<String> earlierTopic) {
        if (clause.garbled() || clause.heard().stream().anyMatch(w -> w.confidence() < SAY_BACK_SURE
                && !FUNCTION_WORDS.contains(w.word().toLowerCase(Locale.ROOT)))) {
            return Optional.empty();
        }
        List<String> words = new ArrayList<>(Phrasing.trimmed(clause.words()));
        words.removeIf(anger::offensive);
        if (words.isEmpty() || words.size() > MAX_WORDS || !vocabulary.containsAll(words)
                || words.stream().noneMatch(w -> problems.contains(w) || details.contains(w))) {
            return Optional.empty();
        }
        String said = Phrasing.secondPerson(words);
        if (words.get(0).equals("it") && words.stream().noneMatch(topics::contains)) {
            if (earlierTopic.isEmpty()) {
                return Optional.empty();
            }
            said = earlierTopic.get() + said.substring(2);
        }
        return grammar.clause(said) ? Optional.of(said) : Optional.empty();
    }

    /** The caller's own words, with profanity and insults left out. */
    private String spoken(List<String> words) {
        List<String> kept = new ArrayList<>(Phrasing.trimmed(words));
        kept.removeIf(anger::offensive);
        return String.join(" ", kept);
    }

    /**
     * The thing a clause is about, as the line may name it back ("your monthly bill"): a topic word heard
     * surely in speech that was not garbled, with the words before it that were heard as surely and belong to
     * the vocabulary; "the X" when the caller used no determiner.
     */
    private Optional<String> thing(Clause clause) {
        if (clause.garbled()) {
            return Optional.empty();
        }
        List<Transcriber.Word> heard = clause.heard();
        List<String> words = clause.words();
        for (int i = 0; i < heard.size(); i++) {
            if (topics.contains(words.get(i)) && heard.get(i).confidence() >= THING_SURE) {
                List<String> phrase = new ArrayList<>();
                int j = i + 1;
                while (j < heard.size() && topics.contains(words.get(j)) && heard.get(j).confidence() >= THING_SURE) {
                    j++;
                }
                int start = i;
                while (start > 0 && start > i - 3 && !Phrasing.isDeterminer(words.get(start))
                        && heard.get(start - 1).confidence() >= THING_SURE && vocabulary.contains(words.get(start - 1))
                        && Phrasing.modifies(words.get(start - 1))) {
                    start--;
                }
                phrase.addAll(words.subList(start, j));
                phrase.removeIf(anger::offensive);
                if (phrase.isEmpty()) {
                    continue;
                }
                if (!Phrasing.isDeterminer(phrase.get(0))) {
                    phrase.add(0, "the");
                }
                return Optional.of(Phrasing.secondPerson(phrase));
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

    /**
     * Clauses at utterance boundaries, pauses between words, joiners and new subjects, every word kept with
     * how surely it was heard; a word heard twice in a row ("i i") once.
     */
    private List<Clause> clauses(List<Transcriber.Utterance> turn) {
        List<Clause> clauses = new ArrayList<>();
        for (Transcriber.Utterance u : turn) {
            List<Transcriber.Word> words = u.words().isEmpty() ? fromText(u) : u.words();
            boolean garbled = garbled(words);
            List<Transcriber.Word> current = new ArrayList<>();
            for (int i = 0; i < words.size(); i++) {
                Transcriber.Word word = words.get(i);
                String w = word.word().toLowerCase(Locale.ROOT);
                String next = i + 1 < words.size() ? words.get(i + 1).word().toLowerCase(Locale.ROOT) : "";
                String after = i + 2 < words.size() ? words.get(i + 2).word().toLowerCase(Locale.ROOT) : "";
                if (w.startsWith("[")) {
                    // A redacted card number or address: the clause leading to it ("my card number is") is
                    // about the number, which is never said back, so it goes with it; what it asks stays heard.
                    current.add(word);
                    clauses.add(new Clause(List.copyOf(current), true));
                    current = new ArrayList<>();
                    continue;
                }
                boolean pause = i > 0 && word.startMs() - words.get(i - 1).endMs() >= CLAUSE_GAP_MS;
                boolean newSubject = SUBJECTS.contains(w) || (PRONOUN_SUBJECTS.contains(w) && VERBS.contains(next))
                        || (POSSESSIVES.contains(w) && topics.contains(next) && VERBS.contains(after));
                if (pause || ((JOINERS.contains(w) || newSubject) && current.size() >= 3)) {
                    add(clauses, current, garbled);
                    current = new ArrayList<>();
                }
                if (!current.isEmpty() && current.get(current.size() - 1).word().equalsIgnoreCase(w)) {
                    continue; // a stammer, or the recogniser hearing one word twice: "i i cannot log in"
                }
                if (!JOINERS.contains(w) || !current.isEmpty()) {
                    current.add(word);
                }
            }
            add(clauses, current, garbled);
        }
        return clauses;
    }

    /** Whether more than {@link #GARBLED} of an utterance's words were heard unsurely. */
    private static boolean garbled(List<Transcriber.Word> words) {
        return words.stream().filter(w -> w.confidence() < SAY_BACK_SURE).count() > GARBLED * words.size();
    }

    private static void add(List<Clause> clauses, List<Transcriber.Word> words, boolean garbled) {
        if (!words.isEmpty()) {
            clauses.add(new Clause(List.copyOf(words), garbled));
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
