package dev.anneal.watcher.rules.load;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/** Readable messages for I/O failures met while reading rule files. */
public final class IoMessages {

    private IoMessages() {
    }

    /**
     * A readable message for an I/O failure. {@link FileSystemException}s carry only the path as
     * their message, so the kind of failure is spelled out here.
     */
    public static String describe(IOException e) {
        if (e instanceof FileSystemException fs) {
            String what = fs.getReason() != null ? fs.getReason()
                    : fs instanceof NoSuchFileException ? "no such file or directory"
                    : fs instanceof AccessDeniedException ? "permission denied"
                    : fs instanceof NotDirectoryException ? "not a directory"
                    : fs.getClass().getSimpleName();
            return fs.getFile() + ": " + what;
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
