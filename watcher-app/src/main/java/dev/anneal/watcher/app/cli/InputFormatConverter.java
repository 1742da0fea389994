package dev.anneal.watcher.app.cli;

import dev.anneal.watcher.core.decode.InputFormat;
import picocli.CommandLine;

/** Parses {@code --format} with the decoder's own names, so the error lists the valid ones. */
public final class InputFormatConverter implements CommandLine.ITypeConverter<InputFormat> {

    @Override
    public InputFormat convert(String value) {
        try {
            return InputFormat.fromCliName(value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
