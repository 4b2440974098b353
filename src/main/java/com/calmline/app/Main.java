package com.calmline.app;

import com.calmline.emotion.AngerMeter;
import com.calmline.privacy.LogEncoder;
import com.calmline.routing.Router;
import com.calmline.speech.PhoneAudio;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;

/** {@code calmline} runs the service; {@code calmline simulate AUDIO} plays a call into a running one. */
public final class Main {
    private static final String SIMULATE = "simulate AUDIO [--url http://localhost:8080] [--speed N] [--from NUMBER]"
            + " [--hold SECONDS] [--json]";
    private static final String AUDIO = "a WAV file (16-bit PCM mono, 8 or 16 kHz) or raw 8 kHz μ-law (.ulaw)";
    private static final String UTTERANCES = "a UTF-8 text file, one utterance a line (or LABEL<TAB>utterance)";
    private static final String TOPIC_SET = "a UTF-8 text file of TOPIC<TAB>utterance lines";
    private static final String TRAINING_SET = "UTF-8 text files of TOPIC<TAB>utterance lines, or the recognised corpus "
            + "(corpus/recognised/*.tsv)";
    private static final String USAGE = """
            usage: java -jar calmline.jar                 run the service (configured by environment variables)
                   java -jar calmline.jar %s
                       AUDIO: WAV (16-bit PCM mono, 8 or 16 kHz) or raw 8 kHz μ-law (.ulaw); with a manifest
                       beside it (NAME.json, see scripts/README.md) the caller waits for the line between sentences;
                       --from: the caller's number (default a valid example number of DEFAULT_PHONE_REGION);
                       --hold: once the audio ends, the caller waits SECONDS (at real time) in the queue for an agent
                   java -jar calmline.jar %s
                       play every rendered corpus call in DIR (scripts/make-corpus.sh) and print how the line did
                   java -jar calmline.jar %s
                       print what the line hears of every sentence of the rendered corpus calls in DIR (corpus/recognised/)
                   java -jar calmline.jar anger FILE    score each line (or LABEL<TAB>line) for anger
                   java -jar calmline.jar anger --fit FILE
                       print anger-weights.properties fitted to FILE (LABEL<TAB>line; angry/annoyed/calm or 1/0)
                   java -jar calmline.jar topics FILE   score a labelled set (TOPIC<TAB>utterance) with ROUTING_DIR's topic model
                   java -jar calmline.jar topics --fit FILE...
                       print topic-model.tsv fitted to labelled sets (TOPIC<TAB>utterance, or corpus/recognised/*.tsv)
                   java -jar calmline.jar topics --cv FILE...
                       cross-validate that fit (10 folds): accuracy, per topic, and what each threshold would ask
                   java -jar calmline.jar %s
                       add a user; the password is asked for at the terminal, or read from stdin
            exit status: 0 done; 1 the command ran and failed (e.g. the service could not be reached);
                         2 it cannot run as typed (an option, a setting or a file it was given)\
            """.formatted(SIMULATE, EvaluateCommand.USAGE, RecogniseCommand.USAGE, UserCommand.USAGE);

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0 || args.length == 1 && args[0].equals("serve")) {
            Config config;
            try {
                config = config(System.getenv());
            } catch (Args.Refused e) {
                System.err.println(e.getMessage());
                System.exit(e.status);
                return;
            }
            App app = new App(config).start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    app.close();
                } catch (Exception e) {
                    e.printStackTrace();
                }
            }, "shutdown"));
        } else {
            LogEncoder.toStandardError();
            System.exit(run(args, System.getenv(), System.in, System.out, System.err));
        }
    }

    /**
     * One command, as typed, with the environment it reads; its exit status. Whatever stops it from running
     * is one line on {@code err}.
     */
    static int run(String[] args, Map<String, String> env, InputStream in, PrintStream out, PrintStream err)
            throws Exception {
        try {
            return command(args, env, in, out, err);
        } catch (Args.Refused e) {
            err.println(e.getMessage());
            return e.status;
        }
    }

    private static int command(String[] args, Map<String, String> env, InputStream in, PrintStream out,
                               PrintStream err) throws Exception {
        if (args[0].equals("help") || Arrays.stream(args).anyMatch(a -> a.equals("--help") || a.equals("-h"))) {
            out.println(USAGE);
            return 0;
        }
        return switch (args[0]) {
            case "simulate" -> simulate(args, env, out, err);
            case "evaluate" -> EvaluateCommand.run(args, config(env), out, err);
            case "recognise" -> RecogniseCommand.run(args, config(env), out, err);
            case "anger" -> anger(args, out);
            case "topics" -> topics(args, env, out);
            case "user" -> UserCommand.run(config(env), args, in, out, err);
            case "serve" -> throw new Args("serve", args, 1).usage("the service takes no options: it is configured "
                    + "by environment variables, not " + args[1]);
            default -> throw new Args.Refused(Args.USAGE, "calmline: unknown command '" + args[0]
                    + "' (see java -jar calmline.jar --help)");
        };
    }

    /**
     * The environment's settings, with the log already in the format they ask for; a setting the service cannot
     * use is refused with what it must be.
     */
    private static Config config(Map<String, String> env) throws Args.Refused {
        Config config;
        try {
            config = Config.fromEnv(env);
        } catch (IllegalArgumentException e) {
            throw new Args.Refused(Args.USAGE, "calmline: " + Args.oneLine(e.getMessage()));
        }
        LogEncoder.use(logFormat(config.logFormat(), System.console() != null));
        return config;
    }

    /**
     * LOG_FORMAT if set; otherwise the readable line for a person at a terminal, and JSON for whatever collects
     * the log of a service run without one (a container, a file, a pipe).
     */
    static LogEncoder.Format logFormat(Optional<LogEncoder.Format> asked, boolean terminal) {
        return asked.orElse(terminal ? LogEncoder.Format.TEXT : LogEncoder.Format.JSON);
    }

    private static int anger(String[] args, PrintStream out) throws Args.Refused {
        Args a = new Args("anger", args, 1);
        if (!a.more()) {
            throw a.usage("give a FILE to score: " + UTTERANCES);
        }
        String first = a.flag();
        boolean fit = first.equals("--fit");
        String name = fit ? a.value("--fit") : first;
        if (!fit && name.startsWith("-")) {
            throw a.unknown(name);
        }
        if (a.more()) {
            throw a.usage("one FILE at a time, not also " + a.flag());
        }
        Path file = a.file(name, UTTERANCES);
        AngerMeter meter = AngerMeter.load();
        try {
            if (fit) {
                AngerReport.fit(file, meter, out);
            } else {
                AngerReport.print(file, meter, out);
            }
        } catch (IOException e) {
            throw a.unreadable(name, e, UTTERANCES);
        } catch (IllegalArgumentException e) {
            throw a.badLine(name, e);
        }
        return 0;
    }

    private static int topics(String[] args, Map<String, String> env, PrintStream out) throws Exception {
        Args a = new Args("topics", args, 1);
        if (!a.more()) {
            throw a.usage("give a FILE to score: " + TOPIC_SET);
        }
        String first = a.flag();
        boolean fit = first.equals("--fit");
        boolean cv = first.equals("--cv");
        if (!fit && !cv && first.startsWith("-")) {
            throw a.unknown(first);
        }
        List<String> names = new ArrayList<>();
        if (!fit && !cv) {
            names.add(first);
        }
        while (a.more()) {
            names.add(a.flag());
        }
        if (names.isEmpty()) {
            throw a.usage("give the FILEs to " + (fit ? "fit on: " : "cross-validate on: ") + TRAINING_SET);
        }
        if (!fit && !cv && names.size() > 1) {
            throw a.usage("one FILE at a time, not also " + names.get(1));
        }
        List<Path> files = new ArrayList<>();
        for (String name : names) {
            files.add(a.file(name, fit || cv ? TRAINING_SET : TOPIC_SET));
        }
        Router router = Router.load(config(env).routingDir());
        String name = String.join(" ", names);
        try {
            if (fit) {
                TopicReport.fit(files, router, out);
            } else if (cv) {
                TopicReport.crossValidate(files, router, out);
            } else {
                TopicReport.print(files.get(0), router, out);
            }
        } catch (IOException e) {
            throw a.unreadable(name, e, fit || cv ? TRAINING_SET : TOPIC_SET);
        } catch (IllegalArgumentException e) {
            throw a.badLine(name, e);
        }
        return 0;
    }

    private static int simulate(String[] args, Map<String, String> env, PrintStream out, PrintStream err)
            throws Exception {
        Args a = new Args("simulate", args, 1);
        String audio = null;
        String url = "http://localhost:8080";
        double speed = 1;
        int hold = 0;
        boolean json = false;
        Optional<String> from = Optional.empty();
        while (a.more()) {
            String arg = a.flag();
            switch (arg) {
                case "--url" -> url = a.value(arg);
                case "--speed" -> speed = a.positive(arg);
                case "--from" -> from = Optional.of(a.value(arg));
                case "--hold" -> hold = a.whole(arg, 0);
                case "--json" -> json = true;
                default -> {
                    if (arg.startsWith("-")) {
                        throw a.unknown(arg);
                    }
                    if (audio != null) {
                        throw a.usage("one AUDIO file at a time, not also " + arg);
                    }
                    audio = arg;
                }
            }
        }
        if (audio == null) {
            throw a.usage("give the AUDIO file to play: " + AUDIO);
        }
        URI service = service(a, url);
        Config config = config(env);
        Path file = a.file(audio, AUDIO);
        byte[] mulaw;
        try {
            mulaw = PhoneAudio.load(file);
        } catch (IOException e) {
            throw a.unreadable(audio, e, AUDIO);
        }
        if (mulaw.length < Simulator.FRAME_BYTES) {
            throw a.usage(audio + " holds no audio; give " + AUDIO);
        }
        Simulator simulator = new Simulator(service, config.publicBaseUrl().orElse(url), config.twilioAuthToken(),
                config.apiToken().or(() -> DemoToken.read(config.dataDir())));
        Duration patience = Duration.ofSeconds(60).plusMillis((long) (mulaw.length / 8 / speed));
        String agentDesk = url.replaceAll("/+$", "") + "/agent";
        int holdSeconds = hold;
        List<JsonNode> events;
        try {
            events = simulator.play(from.orElseGet(() -> Simulator.exampleCaller(config.callbacks().defaultRegion())),
                    "+15555550199", mulaw, CallScript.beside(file), speed, patience, Duration.ofSeconds(hold),
                    call -> err.printf("call %s: the caller's audio has ended; they wait %d s more for an agent: "
                            + "take the call at %s%n", call.callSid, holdSeconds, agentDesk)).events();
        } catch (ConnectException e) {
            throw new Args.Refused(Args.FAILED, "calmline simulate: cannot reach the service at " + url + ": start it "
                    + "first (java -jar target/calmline.jar), or give its address with --url");
        } catch (IOException | CompletionException e) {
            String why = Args.oneLine(e.getMessage());
            throw new Args.Refused(Args.FAILED, "calmline simulate: " + why + (why.matches(".*answered 40[13]\\b.*")
                    ? " (run simulate with the service's own DATA_DIR, API_TOKEN, TWILIO_AUTH_TOKEN and PUBLIC_BASE_URL)"
                    : ""));
        }
        for (JsonNode e : events) {
            out.println(json ? e.toString() : readable(e));
        }
        return 0;
    }

    /** The service's address, as {@code --url} gave it. */
    private static URI service(Args a, String url) throws Args.Refused {
        try {
            URI uri = new URI(url);
            if (uri.getHost() != null && ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // refused below, with what it takes
        }
        throw a.usage("--url takes the service's address, such as http://localhost:8080, not '" + url + "'");
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
