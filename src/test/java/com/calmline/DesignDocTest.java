package com.calmline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code docs/DESIGN.md} says what the code is, so it is checked against the code: the packages, their public
 * types and what each imports; every environment variable {@code Config} reads; every thread the service names;
 * every class the document names. README points newcomers to it.
 */
class DesignDocTest {
    private static final Path DOC = Path.of("docs", "DESIGN.md");
    private static final Path MAIN = Path.of("src", "main", "java", "com", "calmline");
    /** Types of libraries the document names: Twilio's, Vosk's. */
    private static final Set<String> LIBRARY_TYPES = Set.of("RequestValidator", "Model");
    private static final Pattern ROW = Pattern.compile("(?m)^\\| `([a-z]+)` \\|[^|]*\\|([^|]*)\\|([^|]*)\\|$");
    private static final Pattern TICKED = Pattern.compile("`([A-Za-z][A-Za-z0-9_.]*)`");
    private static final Pattern PUBLIC_TYPE = Pattern.compile(
            "(?m)^public (?:final |abstract |sealed )*(?:class|interface|record|enum) (\\w+)");
    private static final Pattern TYPE = Pattern.compile("(?m)^\\s*(?:public |private |protected |static |final "
            + "|sealed |abstract )*(?:class|interface|record|enum) (\\w+)");
    private static final Pattern IMPORT = Pattern.compile("(?m)^import (?:static )?com\\.calmline\\.(\\w+)\\.");
    private static final Pattern ENV = Pattern.compile("(?:optional|integer|fraction|bool)\\(env, \"([A-Z_]+)\""
            + "|env\\.getOrDefault\\(\"([A-Z_]+)\"");
    private static final Pattern THREAD = Pattern.compile("new Thread\\([^\"]*\"([a-z][a-z-]*)\"\\)");

    @Test
    void readmePointsToTheDesignInTheProject() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        assertTrue(Files.isRegularFile(DOC));
        assertTrue(readme.contains("docs/DESIGN.md"), "README names docs/DESIGN.md");
        assertFalse(readme.contains("shared/DESIGN.md"), "README names no design outside the project");
    }

    @Test
    void everyPackageIsDescribedWithItsPublicTypesAndWhatItImports() throws IOException {
        Map<String, String[]> rows = new TreeMap<>();
        Matcher m = ROW.matcher(section(Files.readString(DOC), "## 4. "));
        while (m.find()) {
            rows.put(m.group(1), new String[] {m.group(2), m.group(3)});
        }
        for (String pkg : packages()) {
            assertTrue(rows.containsKey(pkg), "package " + pkg + " has a row in section 4");
            assertEquals(publicTypes(pkg), ticked(rows.get(pkg)[0]), "the public types of " + pkg);
            assertEquals(imports(pkg), words(rows.get(pkg)[1]), "what " + pkg + " imports");
        }
        assertEquals(packages(), rows.keySet(), "no row for a package that is gone");
    }

    @Test
    void everyEnvironmentVariableIsNamed() throws IOException {
        String doc = Files.readString(DOC);
        Matcher m = ENV.matcher(Files.readString(MAIN.resolve("app/Config.java")));
        List<String> missing = new ArrayList<>();
        int read = 0;
        while (m.find()) {
            String name = m.group(1) != null ? m.group(1) : m.group(2);
            read++;
            if (!doc.contains("`" + name + "`")) {
                missing.add(name);
            }
        }
        assertTrue(read > 30, "Config was read: " + read + " variables");
        assertEquals(List.of(), missing, "variables Config reads that section 7 does not name");
    }

    @Test
    void everyThreadTheServiceNamesIsInTheThreadTable() throws IOException {
        String doc = Files.readString(DOC);
        List<String> missing = new ArrayList<>();
        for (Path file : sources()) {
            Matcher m = THREAD.matcher(Files.readString(file));
            while (m.find()) {
                if (!doc.contains("`" + m.group(1) + "`")) {
                    missing.add(m.group(1));
                }
            }
        }
        assertEquals(List.of(), missing, "threads the code starts that section 5 does not name");
    }

    @Test
    void everyClassTheDocumentNamesExists() throws IOException {
        Set<String> types = new TreeSet<>(LIBRARY_TYPES);
        try (Stream<Path> files = Stream.concat(Files.walk(MAIN), Files.walk(Path.of("src", "test", "java")))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                Matcher m = TYPE.matcher(Files.readString(file));
                while (m.find()) {
                    types.add(m.group(1));
                }
            }
        }
        Set<String> unknown = new TreeSet<>();
        Matcher m = TICKED.matcher(Files.readString(DOC));
        while (m.find()) {
            for (String part : m.group(1).split("\\.")) {
                if (part.matches("[A-Z][a-z]+[A-Za-z0-9]*") && !types.contains(part)) {
                    unknown.add(part);
                }
            }
        }
        assertEquals(Set.of(), unknown, "names in the document that no class has");
    }

    /** The text of one numbered section, up to the next. */
    private static String section(String doc, String heading) {
        int start = doc.indexOf(heading);
        assertTrue(start >= 0, "the document has " + heading);
        int end = doc.indexOf("\n## ", start + heading.length());
        return end < 0 ? doc.substring(start) : doc.substring(start, end);
    }

    private static Set<String> packages() throws IOException {
        try (Stream<Path> dirs = Files.list(MAIN)) {
            return dirs.filter(Files::isDirectory).map(d -> d.getFileName().toString())
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }

    private static List<Path> sources() throws IOException {
        try (Stream<Path> files = Files.walk(MAIN)) {
            return files.filter(f -> f.toString().endsWith(".java")).toList();
        }
    }

    private static Set<String> publicTypes(String pkg) throws IOException {
        Set<String> types = new TreeSet<>();
        for (Path file : sources()) {
            if (file.getParent().getFileName().toString().equals(pkg)) {
                Matcher m = PUBLIC_TYPE.matcher(Files.readString(file));
                while (m.find()) {
                    types.add(m.group(1));
                }
            }
        }
        return types;
    }

    private static Set<String> imports(String pkg) throws IOException {
        Set<String> used = new TreeSet<>();
        for (Path file : sources()) {
            if (file.getParent().getFileName().toString().equals(pkg)) {
                Matcher m = IMPORT.matcher(Files.readString(file));
                while (m.find()) {
                    used.add(m.group(1));
                }
            }
        }
        used.remove(pkg);
        return used;
    }

    private static Set<String> ticked(String cell) {
        Set<String> names = new TreeSet<>();
        Matcher m = TICKED.matcher(cell);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    private static Set<String> words(String cell) {
        return Arrays.stream(cell.split(",")).map(String::strip).filter(w -> !w.isEmpty())
                .collect(Collectors.toCollection(TreeSet::new));
    }
}
