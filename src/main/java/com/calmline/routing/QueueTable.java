package com.calmline.routing;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which queue a caller waits in, from their topic and how angry they got (data file {@code queues.txt}):
 * rows of {@code TOPIC MIN_PEAK_ANGER QUEUE}, the first matching row wins, {@code *} matches any topic.
 * A row for any topic at a high peak, first, sends callers who got very angry to the de-escalation team.
 */
final class QueueTable {
    record Row(String topic, double minPeak, String queue) {
        boolean matches(String t, double peak) {
            return (topic.equals("*") || topic.equals(t)) && peak >= minPeak;
        }
    }

    private final List<Row> rows;

    private QueueTable(List<Row> rows) {
        this.rows = rows;
    }

    static QueueTable parse(String text, String source, Set<String> topics) {
        List<Row> rows = new ArrayList<>();
        int n = 0;
        for (String raw : text.split("\n")) {
            n++;
            String line = raw.replaceAll("#.*", "").strip();
            if (line.isEmpty()) {
                continue;
            }
            String[] parts = line.split("\\s+");
            if (parts.length != 3) {
                throw new IllegalArgumentException(source + " line " + n + ": expected 'TOPIC MIN_PEAK_ANGER QUEUE', not '"
                        + raw + "'");
            }
            String topic = parts[0].toLowerCase(Locale.ROOT);
            if (!topic.equals("*") && !topics.contains(topic)) {
                throw new IllegalArgumentException(source + " line " + n + ": unknown topic '" + topic + "' (topics: "
                        + String.join(", ", topics) + ")");
            }
            double minPeak;
            try {
                minPeak = Double.parseDouble(parts[1]);
            } catch (NumberFormatException e) {
                minPeak = Double.NaN;
            }
            if (!(minPeak >= 0 && minPeak <= 1)) {
                throw new IllegalArgumentException(source + " line " + n + ": MIN_PEAK_ANGER must be 0 to 1, not '"
                        + parts[1] + "'");
            }
            rows.add(new Row(topic, minPeak, parts[2]));
        }
        if (rows.stream().noneMatch(r -> r.topic().equals("*") && r.minPeak() == 0)) {
            throw new IllegalArgumentException(source + ": needs a last row '* 0 QUEUE' so every caller has a queue");
        }
        return new QueueTable(List.copyOf(rows));
    }

    Row choose(String topic, double peak) {
        return rows.stream().filter(r -> r.matches(topic, peak)).findFirst().orElseThrow();
    }

    List<Row> rows() {
        return rows;
    }
}
