package com.calmline.app;

import com.calmline.emotion.AngerMeter;
import com.calmline.privacy.LogEncoder;
import com.calmline.routing.Router;
import com.calmline.speech.PhoneAudio;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/** {@code calmline} runs the service; {@code calmline simulate AUDIO} plays a call into a running one. */
public final class Main {
    private static final String USAGE = """
            usage: java -jar calmline.jar                 run the service (configured by environment variables)
                   java -jar calmline.jar simulate AUDIO [--url http://localhost:8080] [--speed N] [--from NUMBER] [--json]
                       AUDIO: WAV (16-bit PCM mono, 8 or 16 kHz) or raw 8 kHz μ-law (.ulaw); with a manifest
                       beside it (NAME.json, see scripts/README.md) the caller waits for the line between sentences;
                       --from: the caller's number (default a valid example number of DEFAULT_PHONE_REGION)
                   java -jar calmline.jar """ + EvaluateCommand.USAGE + """

                       play every rendered corpus call in DIR (scripts/make-corpus.sh) and print how the line did
                   java -jar calmline.jar anger FILE    score each line (or LABEL<TAB>line) for anger
                   java -jar calmline.jar anger --fit FILE
                       print anger-weights.properties fitted to FILE (LABEL<TAB>line; angry/annoyed/calm or 1/0)
                   java -jar calmline.jar topics FILE   score a labelled set (TOPIC<TAB>utterance) with ROUTING_DIR's topic model
                   java -jar calmline.jar topics --fit FILE...
                       print topic-model.tsv fitted to labelled sets (TOPIC<TAB>utterance, or corpus/recognised/*.tsv)
                   java -jar calmline.jar topics --cv FILE...
                       cross-validate that fit (10 folds): accuracy, per topic, and what each threshold would ask
                   java -jar calmline.jar """ + UserCommand.USAGE + """

                       add a user; the password is asked for at the terminal, or read from stdin""";

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0 || args[0].equals("serve")) {
            App app = new App(config()).start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    app.close();
                } catch (Exception e) {
                    e.printStackTrace();
                }
            }, "shutdown"));
        } else if (args[0].equals("simulate") && args.length >= 2) {
            System.exit(simulate(args));
        } else if (args[0].equals("evaluate") && args.length >= 2) {
            System.exit(EvaluateCommand.run(args, config(), System.out, System.err));
        } else if (args[0].equals("anger") && args.length == 2) {
            AngerReport.print(Path.of(args[1]), AngerMeter.load(), System.out);
        } else if (args[0].equals("anger") && args.length == 3 && args[1].equals("--fit")) {
            AngerReport.fit(Path.of(args[2]), AngerMeter.load(), System.out);
        } else if (args[0].equals("topics") && args.length == 2) {
            TopicReport.print(Path.of(args[1]), Router.load(config().routingDir()), System.out);
        } else if (args[0].equals("topics") && args.length >= 3 && args[1].equals("--fit")) {
            TopicReport.fit(paths(args), Router.load(config().routingDir()), System.out);
        } else if (args[0].equals("topics") && args.length >= 3 && args[1].equals("--cv")) {
            TopicReport.crossValidate(paths(args), Router.load(config().routingDir()), System.out);
        } else if (args[0].equals("user")) {
            System.exit(UserCommand.run(config(), args, System.in, System.out, System.err));
        } else {
            System.err.println(USAGE);
            System.exit(2);
        }
    }

    private static List<Path> paths(String[] args) {
        return java.util.Arrays.stream(args, 2, args.length).map(Path::of).toList();
    }

    /** The environment's settings, with the log already in the format they ask for. */
    private static Config config() {
        Config config = Config.fromEnv(System.getenv());
        LogEncoder.use(config.logFormat());
        return config;
    }

    private static int simulate(String[] args) throws Exception {
        Path audio = Path.of(args[1]);
        String url = "http://localhost:8080";
        double speed = 1;
        boolean json = false;
        Config config = config();
        String from = Simulator.exampleCaller(config.callbacks().defaultRegion());
        for (int i = 2; i < args.length; i++) {
            switch (args[i]) {
                case "--url" -> url = args[++i];
                case "--speed" -> speed = Double.parseDouble(args[++i]);
                case "--from" -> from = args[++i];
                case "--json" -> json = true;
                default -> {
                    System.err.println("unknown option " + args[i] + "\n" + USAGE);
                    return 2;
                }
            }
        }
        byte[] mulaw = PhoneAudio.load(audio);
        Simulator simulator = new Simulator(URI.create(url), config.publicBaseUrl().orElse(url),
                config.twilioAuthToken(), config.apiToken().or(() -> DemoToken.read(config.dataDir())));
        Duration patience = Duration.ofSeconds(60).plusMillis((long) (mulaw.length / 8 / speed));
        List<JsonNode> events = simulator.playCall(from, "+15555550199", mulaw, CallScript.beside(audio),
                speed, patience);
        for (JsonNode e : events) {
            System.out.println(json ? e.toString() : readable(e));
        }
        return 0;
    }

    private static String readable(JsonNode e) {
        String at = String.format(Locale.ROOT, "%8.2fs", e.path("atMs").asLong() / 1000.0);
        String indent = "\n" + " ".repeat(21);
        return switch (e.path("type").asText()) {
            case "utterance" -> String.format(Locale.ROOT, "%s  %-8s %s  [anger %.2f %s]", at,
                    e.path("track").asText().equals("inbound") ? "caller" : "agent",
                    e.path("text").asText(), e.path("anger").asDouble(), e.path("angerLevel").asText());
            case "decision" -> String.format(Locale.ROOT, "%s  line     %s%s (%s): %s%s", at, e.path("action").asText(),
                    e.path("action").asText().equals("greet") ? "" : " after " + e.path("silenceMs").asLong()
                            + " ms of silence", e.path("delivery").asText(), e.path("reason").asText(),
                    e.path("say").asText().isEmpty() ? "" : indent + "says: " + e.path("say").asText());
            case "overlap" -> String.format(Locale.ROOT, "%s  overlap  %s during the %s: %d ms of both voices%s", at,
                    e.path("kind").asText(), e.path("prompt").asText(), e.path("overlapMs").asLong(),
                    e.path("cutInMs").asLong() < 0 ? ", the line started over the caller" : String.format(Locale.ROOT,
                            ", caller cut in at %.2fs and the line stopped %d ms later",
                            e.path("cutInMs").asLong() / 1000.0, e.path("stoppedAfterMs").asLong()));
            case "summary" -> String.format(Locale.ROOT, "%s  summary  anger peak %.2f, now %s, trend %s; vented %.1f s; "
                            + "%d acknowledgement(s), %d question(s); talk-overs %d, barge-ins %d%sissue: %s%sfeeling: %s"
                            + "%srequest: %s", at, e.path("angerPeak").asDouble(), e.path("angerLevel").asText(),
                    e.path("angerTrend").asText(), e.path("ventingSeconds").asDouble(),
                    e.path("acknowledgements").asInt(), e.path("questions").asInt(), e.path("talkOvers").asInt(),
                    e.path("bargeIns").asInt(), indent, orDash(e.path("issue").asText()), indent,
                    orDash(e.path("feeling").asText()), indent, orDash(e.path("request").asText()));
            case "route" -> String.format(Locale.ROOT, "%s  route    to queue %s: topic %s (confidence %.2f); %s", at,
                    e.path("queue").asText(), e.path("topic").asText(), e.path("confidence").asDouble(),
                    e.path("reason").asText());
            case "screenpop" -> String.format(Locale.ROOT, "%s  screen   %s: %s%sanger now %.2f, peak %.2f, %s; vented "
                            + "%.1f s%ssay first: %s", at, e.path("topic").asText(), orDash(e.path("issue").asText()),
                    indent, e.path("angerNow").asDouble(), e.path("angerPeak").asDouble(), e.path("angerTrend").asText(),
                    e.path("ventingSeconds").asDouble(), indent, e.path("suggestedOpening").asText());
            case "callback" -> String.format("%s  callback %s %s, due %s: %s", at, e.path("kind").asText(),
                    e.path("id").asText(), e.path("due").asText(), e.path("reason").asText());
            case "dtmf" -> String.format("%s  caller pressed %s", at, e.path("digit").asText());
            case "agent-joined" -> String.format("%s  agent joined: their side is transcribed from here", at);
            case "end" -> String.format("%s  end of call %s", at, e.path("callSid").asText());
            default -> at + "  " + e;
        };
    }

    private static String orDash(String s) {
        return s.isBlank() ? "-" : s;
    }
}
