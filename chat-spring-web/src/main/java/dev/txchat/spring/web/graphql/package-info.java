/**
 * Marketplacer-shaped GraphQL ({@code chatMessages}, {@code chatMessageCreate},
 * {@code chatMessageRead}) on Spring for GraphQL; see
 * {@link dev.txchat.spring.web.graphql.TxchatGraphQlAutoConfiguration}.
 */
package dev.txchat.spring.web.graphql;
