package com.calmline.agent;

import com.calmline.files.ConfiguredFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What the screen-pop suggests the agent say: an opening that does not make the caller repeat themselves,
 * and resolutions in positive language, from editable templates in {@code prompts/agent/} (the jar's copies
 * as fallback). Read at each use, so an edit shows on the next call.
 */
final class Suggestions {
    private static final Map<String, String> TOPIC_AS_ISSUE = Map.of("billing", "you're calling about your bill",
            "refund", "you're calling about a refund", "technical", "something isn't working as it should",
            "delivery", "you're calling about your order", "cancellation", "you'd like to cancel",
            "account", "you're calling about your account");

    private static final String FOLDER = "prompts/agent";

    private final Path dir;

    Suggestions(Path promptsDir) {
        this.dir = promptsDir.resolve("agent");
    }

    /** {@code heard}: the line already apologised and repeated the problem back to an upset caller. */
    String opening(String topic, String issue, boolean heard) {
        String said = issue.isBlank() ? TOPIC_AS_ISSUE.getOrDefault(topic, "you've been waiting to talk to us") : issue;
        return text(heard ? "opening-upset.txt" : "opening-calm.txt").strip().replace("{issue}", said);
    }

    /** For a caller the line did not sum up: they have waited, and have not told anyone what they need yet. */
    String unheard() {
        return text("opening-unheard.txt").strip();
    }

    List<String> resolutions(String topic) {
        String name = topic.matches("[a-z-]+") && exists(topic + ".txt") ? topic + ".txt" : "other.txt";
        return text(name).lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    }

    private boolean exists(String name) {
        return ConfiguredFile.exists(dir, FOLDER, name);
    }

    private String text(String name) {
        try {
            return ConfiguredFile.read(dir, FOLDER, name);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read prompts/agent/" + name, e);
        }
    }
}
