package dev.anneal.watcher.core.inject;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code --set FIELD=VALUE@RECORDS}: the record selections, JSON scalar values, strict errors and application. */
class FieldEditTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest(name = "{0} selects {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "3|           3",
        "3-7|         3,4,5,6,7",
        "3,5,9|       3,5,9",
        "5-|          5,6,7,8,9,10",
        "1, 4-5 ,10|  1,4,5,10",
        "7-7|         7"})
    void selections(String text, String expected) {
        RecordSelection s = RecordSelection.parse(text);
        String selected = String.join(",", IntStream.rangeClosed(1, 10).filter(s::contains)
                .mapToObj(Integer::toString).toList());
        assertThat(selected).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "0|     record 0 in '0': records count from 1",
        "7-3|   record range 7-3 in '7-3' ends before it starts",
        "`3,`|    empty record number in '3,'; write records as 3, 3-7, 3,5,9 or 5-",
        "x|     'x' in 'x' is not a record number; write records as 3, 3-7, 3,5,9 or 5- (records count from 1)",
        "-4|    '' in '-4' is not a record number; write records as 3, 3-7, 3,5,9 or 5- (records count from 1)"})
    void badSelections(String text, String message) {
        assertThatThrownBy(() -> RecordSelection.parse(text)).hasMessage(message);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "anneal_loss_flag=true@3|          anneal_loss_flag|  true|     3",
        "loss_total=2.4@5-|                loss_total|        2.4|      5-",
        "anneal_dataset=\"idle_v1\"@1,2|   anneal_dataset|    \"idle_v1\"| 1-2",
        "conflict.rivalry_max_max_avg=null@2-3| conflict.rivalry_max_max_avg| null| 2-3"})
    void edits(String text, String field, String value, String records) {
        FieldEdit e = FieldEdit.parse(text);
        assertThat(e.field()).isEqualTo(field);
        assertThat(e.value().toString()).isEqualTo(value);
        assertThat(e.records().toString()).isEqualTo(records.equals("1-2") ? "1,2" : records);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "anneal_loss_flag@3|     --set 'anneal_loss_flag@3': expected FIELD=VALUE@RECORDS, such as anneal_loss_flag=true@3 or loss_total=2.4@5-",
        "anneal_loss_flag=true|  --set 'anneal_loss_flag=true': expected FIELD=VALUE@RECORDS, such as anneal_loss_flag=true@3 or loss_total=2.4@5-",
        "=true@3|                --set '=true@3': expected FIELD=VALUE@RECORDS, such as anneal_loss_flag=true@3 or loss_total=2.4@5-",
        "loss_total=high@3|      --set 'loss_total=high@3': value 'high' is not a JSON scalar; write true, false, a number, null or a quoted \"string\"",
        "loss_total=[1]@3|       --set 'loss_total=[1]@3': value '[1]' is not a JSON scalar; write true, false, a number, null or a quoted \"string\"",
        "loss_total=@3|          --set 'loss_total=@3': value '' is not a JSON scalar; write true, false, a number, null or a quoted \"string\"",
        "loss_total=1@0|         --set 'loss_total=1@0': record 0 in '0': records count from 1"})
    void badEdits(String text, String message) {
        assertThatThrownBy(() -> FieldEdit.parse(text)).hasMessage(message);
    }

    @Test
    void editsApplyInOrderToTheSelectedRecordsOnly() throws Exception {
        List<SyntheticMessage> in = List.of(msg("{\"a\":1}"), msg("{\"a\":2}"), msg("{\"a\":3}"));
        List<SyntheticMessage> out = FieldEdit.apply(List.of(FieldEdit.parse("a=10@2-"),
                FieldEdit.parse("flag=true@3")), in);
        assertThat(out).extracting(m -> m.data().toString())
                .containsExactly("{\"a\":1}", "{\"a\":10}", "{\"a\":10,\"flag\":true}");
        assertThat(in.get(1).data().toString()).as("the input is not changed").isEqualTo("{\"a\":2}");
    }

    @Test
    void editsBeyondTheEndOrOnMalformedMessagesAreErrors() throws Exception {
        List<SyntheticMessage> in = List.of(msg("{\"a\":1}"), SyntheticMessage.raw("r", "{oops"));
        assertThatThrownBy(() -> FieldEdit.apply(List.of(FieldEdit.parse("a=1@3")), in))
                .hasMessage("--set a=1@3: record 3 is beyond the 2 records to inject");
        assertThatThrownBy(() -> FieldEdit.apply(List.of(FieldEdit.parse("a=1@2")), in))
                .hasMessageStartingWith("--set a=1@2: record 2 has no JSON object payload to edit");
    }

    private static SyntheticMessage msg(String json) throws Exception {
        return SyntheticMessage.payload("r", "ppo", JSON.readTree(json), -1);
    }
}
