package com.calmline.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * JSON in and out, the same way everywhere: what the service stores (transcripts, events, screen-pops, the
 * outbox journal), what it reads from outside (media frames, Vosk's results, manifests) and what its tools build.
 * One Jackson mapper, held here: a mapper is safe to share between threads once configured, and this one is
 * configured once, here, and never handed out, so it is fixed configuration rather than shared state; passing
 * it through every constructor would wire nothing but Jackson's defaults. Text from outside may be malformed and
 * is read with {@link #parse}, whose checked exception says so; what the service wrote itself is read back with
 * {@link #stored}, where unreadable JSON is a broken invariant.
 */
public final class Json {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }

    /** Text from outside the service, which may not be JSON at all. */
    public static JsonNode parse(String text) throws JsonProcessingException {
        return MAPPER.readTree(text);
    }

    public static <T> T parse(String text, TypeReference<T> type) throws JsonProcessingException {
        return MAPPER.readValue(text, type);
    }

    /** A JSON file (a call's manifest). */
    public static JsonNode parse(Path file) throws IOException {
        return MAPPER.readTree(Files.readString(file));
    }

    /** JSON the service wrote itself (a stored transcript line, event, screen-pop or log entry). */
    public static JsonNode stored(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored JSON is unreadable: " + e.getOriginalMessage(), e);
        }
    }

    public static <T> T stored(String json, Class<T> type) {
        try {
            return MAPPER.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored " + type.getSimpleName() + " is unreadable: "
                    + e.getOriginalMessage(), e);
        }
    }

    /** {@code value} as JSON text; the service's own records and maps always can be. */
    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    /** The same, as the declared type {@code as}: a list of a polymorphic type keeps each element's type id. */
    public static <T> String write(T value, TypeReference<T> as) {
        try {
            return MAPPER.writerFor(as).writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + as.getType() + " as JSON", e);
        }
    }

    /** {@code value} as a JSON tree, to put into a larger document. */
    public static JsonNode tree(Object value) {
        return MAPPER.valueToTree(value);
    }

    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    public static ArrayNode array() {
        return MAPPER.createArrayNode();
    }
}
