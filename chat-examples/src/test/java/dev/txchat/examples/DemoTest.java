package dev.txchat.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoTest {

    @TempDir
    Path folder;

    @Test
    void demoPlaysBothProductsAndPrintsTheTranscript() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Demo.run(folder, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String transcript = bytes.toString(StandardCharsets.UTF_8);

        assertThat(transcript)
                .contains("opened again: same conversation=true, created=false, message #2 appended")
                .contains("card **** 1111, receipt attached")
                .doesNotContain("4111 1111 1111 1111")
                .contains("erin marked the operator's messages read: 2 marked")
                .contains("unread for bob (same account, same thread): 0")
                .contains("unread for alice (operator side): 2")
                .contains("page 4 (totalCount=7, hasNextPage=false)")
                .contains("TRANSACTION")
                .contains("ACCOUNT");
    }
}
