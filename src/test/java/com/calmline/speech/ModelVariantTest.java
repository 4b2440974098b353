package com.calmline.speech;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelVariantTest {
    private static final List<String> CONF = List.of("--min-active=200", "--max-active=3000", "--beam=10.0",
            "--lattice-beam=2.0", "--endpoint.rule2.min-trailing-silence=0.5");

    @Test
    void parsesOptionsInOrder() {
        assertEquals(List.of("beam", "max-active"), List.copyOf(ModelVariant.parse("beam=8, max-active=2000").keySet()));
        assertEquals("2000", ModelVariant.parse("beam=8,max-active=2000").get("max-active"));
        assertTrue(ModelVariant.parse(" ").isEmpty());
    }

    @Test
    void rejectsWhatIsNotOptionEqualsValue() {
        assertThrows(IllegalArgumentException.class, () -> ModelVariant.parse("beam"));
        assertThrows(IllegalArgumentException.class, () -> ModelVariant.parse("beam=8,,max-active=1"));
        assertThrows(IllegalArgumentException.class, () -> ModelVariant.parse("--beam=8"));
        assertThrows(IllegalArgumentException.class, () -> ModelVariant.parse("beam="));
    }

    @Test
    void replacesTheOptionsGivenAndKeepsTheRest() {
        List<String> edited = ModelVariant.edit(CONF, Map.of("beam", "8", "max-active", "2000"));
        assertEquals(List.of("--min-active=200", "--max-active=2000", "--beam=8", "--lattice-beam=2.0",
                "--endpoint.rule2.min-trailing-silence=0.5"), edited);
    }

    @Test
    void appendsAnOptionTheFileLacks() {
        List<String> edited = ModelVariant.edit(CONF, Map.of("lattice-beam", "1.0", "frame-subsampling-factor", "3"));
        assertEquals("--lattice-beam=1.0", edited.get(3));
        assertEquals("--frame-subsampling-factor=3", edited.get(edited.size() - 1));
        assertEquals(CONF.size() + 1, edited.size());
    }

    @Test
    void variantLinksTheModelAndLeavesTheOriginalAlone(@TempDir Path tmp) throws Exception {
        Path base = tmp.resolve("model");
        Files.createDirectories(base.resolve("conf"));
        Files.createDirectories(base.resolve("graph"));
        Files.write(base.resolve("conf/model.conf"), CONF);
        Files.writeString(base.resolve("conf/mfcc.conf"), "--num-ceps=40\n");
        Files.writeString(base.resolve("graph/HCLr.fst"), "graph");

        Path variant = ModelVariant.of(base, ModelVariant.parse("beam=7"), false, tmp.resolve("v"));
        assertTrue(Files.readAllLines(variant.resolve("conf/model.conf")).contains("--beam=7"));
        assertEquals("--num-ceps=40\n", Files.readString(variant.resolve("conf/mfcc.conf")));
        assertTrue(Files.isSymbolicLink(variant.resolve("graph")));
        assertEquals("graph", Files.readString(variant.resolve("graph/HCLr.fst")));
        assertEquals(CONF, Files.readAllLines(base.resolve("conf/model.conf")));

        Path again = ModelVariant.of(base, ModelVariant.parse("beam=6"), false, tmp.resolve("v"));
        assertTrue(Files.readAllLines(again.resolve("conf/model.conf")).contains("--beam=6"));
        assertEquals(base, ModelVariant.of(base, Map.of(), false, tmp.resolve("w")));
    }

    @Test
    void lookaheadOnlyHidesThePrecomposedGraph(@TempDir Path tmp) throws Exception {
        Path base = tmp.resolve("model");
        Files.createDirectories(base.resolve("conf"));
        Files.createDirectories(base.resolve("graph/phones"));
        Files.write(base.resolve("conf/model.conf"), CONF);
        for (String f : List.of("HCLr.fst", "Gr.fst", "HCLG.fst", "words.txt")) {
            Files.writeString(base.resolve("graph").resolve(f), f);
        }
        Path variant = ModelVariant.of(base, Map.of(), true, tmp.resolve("v"));
        assertTrue(Files.exists(variant.resolve("graph/HCLr.fst")));
        assertTrue(Files.exists(variant.resolve("graph/phones")));
        assertTrue(Files.notExists(variant.resolve("graph/HCLG.fst")));
        assertTrue(Files.exists(base.resolve("graph/HCLG.fst")));
        assertEquals(CONF, Files.readAllLines(variant.resolve("conf/model.conf")));

        Files.delete(base.resolve("graph/HCLr.fst"));
        assertThrows(java.io.IOException.class, () -> ModelVariant.of(base, Map.of(), true, tmp.resolve("w")));
    }

    @Test
    void refusesADirectoryThatIsNoModel(@TempDir Path tmp) {
        assertThrows(java.io.IOException.class, () -> ModelVariant.of(tmp, Map.of("beam", "8"), false, tmp.resolve("v")));
    }
}
