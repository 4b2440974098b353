package com.calmline.routing;

import com.calmline.files.ConfiguredFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/**
 * Where a caller goes: their words give a topic (with a confidence) from a fitted model, the topic and the peak
 * of their anger give the queue. Both are data files in ROUTING_DIR ({@code topic-model.tsv}, written by
 * {@code topics --fit}; {@code queues.txt}, edited by the operator), the jar's copies the fallback. A topic the
 * model is not sure of ({@link #ASK_BELOW}) is not guessed at: the caller goes where the table sends
 * {@code other}, with the two likeliest topics for the agent.
 */
public final class Router {
    /**
     * Below this probability of the likeliest topic the line asks a calm caller which of the two likeliest it is,
     * and routes one still unclear as {@code other}. Chosen by 10-fold cross-validation on the development lines
     * and calls ({@code topics --cv}): on recognised speech even 0.30 leaves a quarter of first turns below it,
     * and each step up asks far more for little gain, so this is as high as asking stays near a fifth of calls.
     */
    public static final double ASK_BELOW = 0.3;
    static final String MODEL = "topic-model.tsv";

    /** The queue chosen, for which topic and how sure, why, and the two likeliest topics, best first. */
    public record Route(String queue, String topic, double confidence, String reason, List<String> likeliest) {
    }

    /**
     * The likeliest topic and its probability, the runner-up and its; {@code sure}: the likeliest is at least
     * {@link #ASK_BELOW}.
     */
    public record Topic(String name, double confidence, String second, double secondConfidence, boolean sure) {
    }

    /** A labelled example for fitting: its topic, what the caller said, and its group (a call stays in one fold). */
    public record Example(String topic, String text, String group) {
    }

    private final TopicModel model;
    private final QueueTable queues;

    private Router(TopicModel model, QueueTable queues) {
        this.model = model;
        this.queues = queues;
    }

    public static Router load(Path dir) throws IOException {
        TopicModel model = TopicModel.parse(text(dir, MODEL), MODEL);
        return new Router(model, QueueTable.parse(text(dir, "queues.txt"), "queues.txt", model.topics()));
    }

    public Topic classify(String words) {
        return topic(model, words);
    }

    /** {@code words}: what the caller said, as recognised; {@code angerPeak}: the call's highest anger (0-1). */
    public Route route(String words, double angerPeak) {
        Topic t = classify(words);
        String topic = t.sure() ? t.name() : TopicModel.OTHER;
        QueueTable.Row row = queues.choose(topic, angerPeak);
        String why = (t.sure() ? String.format(Locale.ROOT, "topic %s (confidence %.2f)", t.name(), t.confidence())
                : String.format(Locale.ROOT, "topic unclear: %s (%.2f) or %s (%.2f)", t.name(), t.confidence(),
                t.second(), t.secondConfidence()))
                + (row.minPeak() > 0 ? String.format(Locale.ROOT, "; anger peaked at %.2f (de-escalation from %.2f)",
                angerPeak, row.minPeak()) : "");
        return new Route(row.queue(), topic, t.confidence(), why, List.of(t.name(), t.second()));
    }

    /** Whether a caller whose anger peaked at {@code angerPeak} goes where the table says whatever their topic. */
    public boolean angerDecides(double angerPeak) {
        QueueTable.Row row = queues.choose(TopicModel.OTHER, angerPeak);
        return row.topic().equals("*") && row.minPeak() > 0;
    }

    public Set<String> topics() {
        return model.topics();
    }

    /** The queue table as rows of topic, minimum peak anger and queue, in the order they are tried. */
    public List<List<String>> queueTable() {
        return queues.rows().stream().map(r -> List.of(r.topic(), Double.toString(r.minPeak()), r.queue())).toList();
    }

    /** The labelled examples in {@code files}: typed lines or the recognised corpus ({@link TrainingFile}). */
    public static List<Example> examples(List<Path> files) throws IOException {
        List<Example> set = new ArrayList<>();
        for (Path file : files) {
            set.addAll(TrainingFile.read(file));
        }
        return set;
    }

    /** {@code topic-model.tsv} fitted to {@code set}, topics in the order the shipped model names them. */
    public String fit(List<Example> set, String provenance) {
        return fitted(set).write(provenance);
    }

    /** A classifier fitted to {@code set} (for cross-validation): the shipped model's topics, its features, its fit. */
    public Function<String, Topic> fitOnly(List<Example> set) {
        TopicModel fitted = fitted(set);
        return words -> topic(fitted, words);
    }

    private TopicModel fitted(List<Example> set) {
        List<String> topics = model.topicList();
        List<TopicFit.Example> examples = new ArrayList<>();
        for (Example e : set) {
            int k = topics.indexOf(e.topic());
            if (k < 0) {
                throw new IllegalArgumentException("unknown topic '" + e.topic() + "' (topics: "
                        + String.join(", ", topics) + "): " + e.text());
            }
            examples.add(new TopicFit.Example(k, e.text()));
        }
        return TopicFit.fit(topics, examples);
    }

    private static Topic topic(TopicModel model, String words) {
        TopicModel.Ranking r = model.rank(words);
        double p = r.probabilities()[0];
        return new Topic(r.first(), round(p), r.second(), round(r.probabilities()[1]), p >= ASK_BELOW);
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }

    private static String text(Path dir, String name) throws IOException {
        return ConfiguredFile.read(dir, "routing", name);
    }
}
