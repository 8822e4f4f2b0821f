package dev.txchat.jdbi.internal;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.ColonPrefixSqlParser;
import org.jdbi.v3.core.statement.DefinedAttributeTemplateEngine;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.Update;

/**
 * Creates statements with the syntax the store's SQL is written in ({@code :name}
 * parameters, {@code <name>} list definitions) pinned on each statement, whatever template
 * engine or parser the host configured on its own {@code Jdbi} or handle, and without
 * changing the handle (which may be the host's own).
 */
public final class Handles {
    // shared so that their parse caches are too; both are thread-safe
    private static final DefinedAttributeTemplateEngine TEMPLATES = new DefinedAttributeTemplateEngine();
    private static final ColonPrefixSqlParser PARSER = new ColonPrefixSqlParser();

    private Handles() {
    }

    static DefinedAttributeTemplateEngine templates() {
        return TEMPLATES;
    }

    static ColonPrefixSqlParser parser() {
        return PARSER;
    }

    public static Query query(Handle handle, String sql) {
        Query query = handle.createQuery(sql);
        query.setTemplateEngine(TEMPLATES);
        query.setSqlParser(PARSER);
        return query;
    }

    public static Update update(Handle handle, String sql) {
        Update update = handle.createUpdate(sql);
        update.setTemplateEngine(TEMPLATES);
        update.setSqlParser(PARSER);
        return update;
    }
}
