-- a host application's own table, migrated by Spring Boot's Flyway with the default history table
CREATE TABLE host_orders (id BIGINT NOT NULL PRIMARY KEY, amount DECIMAL(12, 2) NOT NULL);
INSERT INTO host_orders (id, amount) VALUES (1, 10.50);
