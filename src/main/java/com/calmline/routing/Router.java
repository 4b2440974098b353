package com.calmline.routing;

import com.calmline.files.ConfiguredFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Where a caller goes: their words give a topic (with a confidence), the topic and the peak of their
 * anger give the queue. Both tables are data files in ROUTING_DIR ({@code topics.txt}, {@code queues.txt}),
 * editable without a build; the jar's copies are the fallback.
 */
public final class Router {
    /** The queue chosen, for which topic and how sure, and why, in words a supervisor can read. */
    public record Route(String queue, String topic, double confidence, String reason) {
    }

    public record Topic(String name, double confidence) {
    }

    private final Taxonomy taxonomy;
    private final QueueTable queues;

    private Router(Taxonomy taxonomy, QueueTable queues) {
        this.taxonomy = taxonomy;
        this.queues = queues;
    }

    public static Router load(Path dir) throws IOException {
        Taxonomy taxonomy = Taxonomy.parse(text(dir, "topics.txt"), "topics.txt");
        return new Router(taxonomy, QueueTable.parse(text(dir, "queues.txt"), "queues.txt", taxonomy.topics()));
    }

    public Topic classify(String words) {
        Taxonomy.Topic t = taxonomy.classify(words);
        return new Topic(t.name(), t.confidence());
    }

    /** {@code words}: what the caller said, as recognised; {@code angerPeak}: the call's highest anger (0-1). */
    public Route route(String words, double angerPeak) {
        Taxonomy.Topic topic = taxonomy.classify(words);
        QueueTable.Row row = queues.choose(topic.name(), angerPeak);
        String why = String.format(Locale.ROOT, "topic %s (confidence %.2f)", topic.name(), topic.confidence())
                + (row.minPeak() > 0 ? String.format(Locale.ROOT, "; anger peaked at %.2f (de-escalation from %.2f)",
                angerPeak, row.minPeak()) : "");
        return new Route(row.queue(), topic.name(), topic.confidence(), why);
    }

    public Set<String> topics() {
        return taxonomy.topics();
    }

    /** The queue table as rows of topic, minimum peak anger and queue, in the order they are tried. */
    public List<List<String>> queueTable() {
        return queues.rows().stream().map(r -> List.of(r.topic(), Double.toString(r.minPeak()), r.queue())).toList();
    }

    private static String text(Path dir, String name) throws IOException {
        return ConfiguredFile.read(dir, "routing", name);
    }
}
