package dev.txchat.jdbi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.txchat.jdbi.internal.Migrator;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The migration scripts shipped in the jar: one complete, identical set of versions per database. */
class MigrationFilesTest {

    private static final Pattern FLYWAY_NAME = Pattern.compile("V\\d{3}__[a-z0-9_]+\\.sql");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}]*)}");

    private static List<String> files(Dialect dialect) throws IOException, URISyntaxException {
        URL folder = MigrationFilesTest.class.getClassLoader().getResource(dialect.migrationsLocation());
        assertThat(folder).as("migrations folder of %s", dialect).isNotNull();
        try (Stream<Path> paths = Files.list(Path.of(folder.toURI()))) {
            return paths.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void everyDialectFolderHoldsTheSameMigrationVersions() throws Exception {
        Map<Dialect, List<String>> byDialect = new EnumMap<>(Dialect.class);
        for (Dialect dialect : Dialect.values()) {
            byDialect.put(dialect, files(dialect));
        }

        assertThat(byDialect.get(Dialect.H2)).isNotEmpty().allMatch(name -> FLYWAY_NAME.matcher(name).matches());
        assertThat(byDialect.get(Dialect.POSTGRESQL)).isEqualTo(byDialect.get(Dialect.H2));
        assertThat(byDialect.get(Dialect.MARIADB)).isEqualTo(byDialect.get(Dialect.H2));
        assertThat(Migrator.SCRIPTS).as("the scripts migrate() applies").isEqualTo(byDialect.get(Dialect.H2));
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void scriptsUseOnlyThePrefixPlaceholderAndPrefixEveryTable(Dialect dialect) {
        for (Migrator.Migration m : Migrator.migrations(dialect, "zz_")) {
            String raw = m.text();
            assertThat(raw).as(m.script()).doesNotContain("${");
            for (String statement : Migrator.statements(raw)) {
                Matcher table = Pattern.compile("(?i)(CREATE TABLE|CREATE INDEX \\S+ ON|REFERENCES)\\s+(\\S+)")
                        .matcher(statement);
                while (table.find()) {
                    assertThat(table.group(2)).as("%s in %s", table.group(1), m.script()).startsWith("zz_");
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void theOnlyPlaceholderIsPrefix(Dialect dialect) throws Exception {
        for (String name : files(dialect)) {
            String text;
            try (var in = getClass().getClassLoader().getResourceAsStream(dialect.migrationsLocation() + "/" + name)) {
                text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            }
            Matcher m = PLACEHOLDER.matcher(text);
            while (m.find()) {
                assertThat(m.group(1)).as("placeholder in %s/%s", dialect, name).isEqualTo("prefix");
            }
            assertThat(text).contains("${prefix}");
        }
    }
}
