package dev.txchat.jdbi.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.txchat.core.ParticipantType;
import dev.txchat.jdbi.Dialect;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The hot path binds by position what {@link Sql} writes with names: every named parameter
 * of the statements it runs that way becomes one {@code ?}, in order, and nothing else in
 * their text changes.
 */
class PositionalSqlTest {

    private static final Pattern NAMED = Pattern.compile(":[A-Za-z]");

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void theHotPathStatementsBindEveryNamedParameterByPositionInOrder(Dialect dialect) {
        Sql sql = new Sql(dialect, "pos_");
        for (String statement : hotPath(sql)) {
            PositionalSql positional = sql.positional(statement);
            assertThat(NAMED.matcher(positional.sql()).find()).as(positional.sql()).isFalse();
            assertThat(positional.sql().chars().filter(ch -> ch == '?').count())
                    .as(statement).isEqualTo(positional.names().size());
            // putting the names back gives the statement as written
            StringBuilder named = new StringBuilder();
            int name = 0;
            for (char ch : positional.sql().toCharArray()) {
                named.append(ch == '?' ? ":" + positional.names().get(name++) : String.valueOf(ch));
            }
            assertThat(named.toString()).isEqualTo(statement);
            assertThat(sql.positional(statement)).isSameAs(positional);
        }
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void anAppendWithFeedNamesTheMessageAndEachFeedRow(Dialect dialect) {
        String statement = new Sql(dialect, "pos_").appendMessageWithFeed(ParticipantType.BUSINESS, 2);
        if (statement == null) {
            return; // MariaDB writes them as separate statements
        }
        assertThat(PositionalSql.of(statement).names()).contains("id", "conversationId", "seq", "body",
                "aggregateid0", "payload0", "aggregateid1", "committedAt1");
    }

    @Test
    void aStatementWhoseColonsAreNotAllParametersIsRefused() {
        assertThatThrownBy(() -> PositionalSql.of("SELECT x::text FROM t WHERE id = :id"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PositionalSql.of("SELECT x FROM t WHERE id IN (<ids>)"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static List<String> hotPath(Sql sql) {
        List<String> statements = new ArrayList<>(List.of(sql.lockConversation,
                sql.lockLiveConversation));
        for (ParticipantType sentBy : ParticipantType.values()) {
            for (int rows = 1; rows <= 6; rows++) {
                String append = sql.appendMessageWithFeed(sentBy, rows);
                if (append != null) {
                    statements.add(append);
                }
            }
            if (sql.appendMessage(sentBy) != null) {
                statements.add(sql.appendMessage(sentBy));
            }
        }
        return statements;
    }
}
