package dev.txchat.spring.web.graphql;

import dev.txchat.core.AccessDeniedException;
import dev.txchat.core.ConflictException;
import dev.txchat.core.NotFoundException;
import dev.txchat.core.ValidationException;
import graphql.GraphQLError;
import graphql.GraphqlErrorBuilder;
import graphql.schema.DataFetchingEnvironment;
import java.util.Map;
import org.springframework.graphql.execution.DataFetcherExceptionResolverAdapter;
import org.springframework.graphql.execution.ErrorType;

/**
 * Turns txchat's exceptions escaping a GraphQL field into classified errors:
 * {@code ValidationException} and {@code ConflictException} → {@code BAD_REQUEST},
 * {@code NotFoundException} → {@code NOT_FOUND}, {@code AccessDeniedException} →
 * {@code FORBIDDEN}, {@link UnauthenticatedException} → {@code UNAUTHORIZED}; each with
 * {@code extensions.errors = [{field, messages}]} when there are field errors. Other exceptions
 * are left to Spring for GraphQL, which reports {@code INTERNAL_ERROR} without details.
 *
 * <p>Thread-safety: stateless, thread-safe.
 */
public class ChatGraphQlExceptionResolver extends DataFetcherExceptionResolverAdapter {

    @Override
    protected GraphQLError resolveToSingleError(Throwable ex, DataFetchingEnvironment env) {
        ErrorType type;
        if (ex instanceof ValidationException || ex instanceof ConflictException) {
            type = ErrorType.BAD_REQUEST;
        } else if (ex instanceof NotFoundException) {
            type = ErrorType.NOT_FOUND;
        } else if (ex instanceof AccessDeniedException) {
            type = ErrorType.FORBIDDEN;
        } else if (ex instanceof UnauthenticatedException) {
            type = ErrorType.UNAUTHORIZED;
        } else {
            return null;
        }
        GraphqlErrorBuilder<?> error = GraphqlErrorBuilder.newError(env).errorType(type).message(ex.getMessage());
        if (ex instanceof ValidationException || ex instanceof ConflictException c && c.field() != null) {
            error.extensions(Map.of("errors", ChatGraphQlController.errors((RuntimeException) ex)));
        }
        return error.build();
    }
}
