package com.calmline.speech;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A Vosk model directory that differs from another only in {@code conf/model.conf} (Vosk reads its decoder
 * settings from there, and the Java API has no setter for them) and perhaps in lacking the precomposed graph:
 * the conf directory is copied and edited, everything else (network, graphs, i-vector extractor) is linked,
 * so a variant costs a few bytes on disk.
 */
final class ModelVariant {
    private ModelVariant() {
    }

    /**
     * Parses {@code beam=8,max-active=2000} into option names and values; empty for an empty spec.
     * Names are model.conf's own, without the leading dashes.
     */
    static Map<String, String> parse(String spec) {
        Map<String, String> out = new LinkedHashMap<>();
        if (spec.isBlank()) {
            return out;
        }
        for (String part : spec.split(",")) {
            String[] kv = part.strip().split("=", 2);
            if (kv.length != 2 || !kv[0].matches("[a-z][a-z0-9.-]*") || kv[1].isBlank()) {
                throw new IllegalArgumentException("'" + part.strip() + "' in '" + spec
                        + "': expected option=value, e.g. beam=8,max-active=2000");
            }
            out.put(kv[0], kv[1].strip());
        }
        return out;
    }

    /** model.conf's lines with each overridden option's value replaced, or appended when the file lacks it. */
    static List<String> edit(List<String> lines, Map<String, String> overrides) {
        List<String> out = new ArrayList<>();
        Map<String, String> left = new LinkedHashMap<>(overrides);
        for (String line : lines) {
            String name = line.strip().replaceFirst("^--", "").split("=", 2)[0];
            String value = left.remove(name);
            out.add(value == null ? line : "--" + name + "=" + value);
        }
        left.forEach((name, value) -> out.add("--" + name + "=" + value));
        return out;
    }

    /**
     * {@code base} with {@code overrides} applied to its model.conf and, with {@code lookaheadOnly}, without
     * its precomposed {@code graph/HCLG.fst}, so that Vosk composes the lookahead graph as it does where the
     * build could not precompose it; made (or remade) under {@code into}. {@code base} itself when nothing
     * differs.
     */
    static Path of(Path base, Map<String, String> overrides, boolean lookaheadOnly, Path into) throws IOException {
        Path conf = base.resolve("conf/model.conf");
        if (!Files.isRegularFile(conf)) {
            throw new IOException(base + " is not a Vosk model directory (no conf/model.conf)");
        }
        if (lookaheadOnly && !Files.isRegularFile(base.resolve("graph/HCLr.fst"))) {
            throw new IOException(base + " has no lookahead graph (graph/HCLr.fst) to decode with");
        }
        if (overrides.isEmpty() && !lookaheadOnly) {
            return base;
        }
        Path dir = into.toAbsolutePath();
        if (Files.exists(dir)) {
            try (Stream<Path> walk = Files.walk(dir)) {
                for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        Files.createDirectories(dir.resolve("conf"));
        linkAll(base, dir, lookaheadOnly ? List.of("conf", "graph") : List.of("conf"));
        if (lookaheadOnly) {
            Files.createDirectories(dir.resolve("graph"));
            linkAll(base.resolve("graph"), dir.resolve("graph"), List.of("HCLG.fst"));
        }
        try (Stream<Path> entries = Files.list(base.resolve("conf"))) {
            for (Path entry : entries.toList()) {
                Files.copy(entry, dir.resolve("conf").resolve(entry.getFileName()));
            }
        }
        Files.write(dir.resolve("conf/model.conf"), edit(Files.readAllLines(conf), overrides));
        return dir;
    }

    private static void linkAll(Path from, Path into, List<String> except) throws IOException {
        try (Stream<Path> entries = Files.list(from)) {
            for (Path entry : entries.toList()) {
                if (!except.contains(entry.getFileName().toString())) {
                    Files.createSymbolicLink(into.resolve(entry.getFileName()), entry.toAbsolutePath());
                }
            }
        }
    }
}
