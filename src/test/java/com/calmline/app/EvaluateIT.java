package com.calmline.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * CI's slice of the recognised-speech corpus (every eighth development call, a spread of voices, noise and
 * call shapes), rendered and played through the real service and model at real time, three calls at once
 * (faster, the service's own processing time would be stretched into the caller's audio and read as the
 * line talking late). It holds the line to what it must
 * never do whatever the recogniser made of the caller: leave them in dead air, talk over them. The other
 * figures are printed, as the whole corpus is evaluated with {@code -Pevaluate}.
 */
class EvaluateIT {
    @Test
    void aSliceOfTheCorpusIsPlayedThroughTheRealLineWithoutDeadAirOrTalkOvers() throws Exception {
        Path slice = CorpusRun.render("dev", 8);
        EvaluateCommand.Report report = CorpusRun.evaluate(slice, 1, 3);
        String table = EvaluateCommand.table(report);
        System.out.println(table);
        assertEquals(CorpusCall.inDirectory(slice).size(), report.calls().size());
        assertTrue(report.deadAirMaxMs() <= Evaluation.DEAD_AIR_LIMIT_MS, table);
        assertEquals(0, report.talkOvers(), table);
        assertTrue(table.contains("requests") && table.contains("said back") && table.contains("anger per turn"), table);
    }
}
