package dev.ember.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TableTest {

    @Test
    void columnsLineUpUnderTheirHeadersThreeSpacesApart() {
        Table table = Table.of("ID", "STATE", "REPLICAS")
                .row("my-first", "READY", "1/1")
                .row("b", "Scaled to 0", "0/0")
                .row("c", null, "");

        assertThat(table.render()).isEqualTo("""
                ID         STATE         REPLICAS
                my-first   READY         1/1
                b          Scaled to 0   0/0
                c
                """);
    }

    @Test
    void anEmptyListStillShowsItsHeaders() {
        assertThat(Table.of("ID", "STATE").render()).isEqualTo("ID   STATE\n");
    }

    @Test
    void aRowWithTheWrongNumberOfCellsIsABug() {
        assertThatThrownBy(() -> Table.of("A", "B").row("only one")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void timesAreShownToTheSecond() {
        assertThat(Table.time("2026-12-01T02:42:32.553540Z")).isEqualTo("2026-12-01T02:42:32Z");
        assertThat(Table.time("")).isEmpty();
        assertThat(Table.time("yesterday")).isEqualTo("yesterday");
    }
}
