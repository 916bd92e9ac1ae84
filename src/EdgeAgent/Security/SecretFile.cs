namespace EdgeAgent.Security;

/// <summary>
/// Writes a secret so that no other user can read it at any moment and nobody sees half of it: a temporary file in
/// the same folder, created with mode 0600 (never the umask's default and a chmod after), written and flushed to the
/// disk, then renamed over the target. A crash leaves either the old file or the new one, plus at most a stray
/// temporary file that holds nothing but what was to be written.
/// </summary>
public static class SecretFile
{
    /// <summary>Owner read and write: the mode of every secret the agent writes.</summary>
    public const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Writes <paramref name="content"/> to <paramref name="path"/>; false (and nothing written) when it exists and <paramref name="overwrite"/> is false.</summary>
    public static bool Write(string path, ReadOnlySpan<byte> content, bool overwrite)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(folder);
        var temporary = Path.Combine(folder, "." + Path.GetFileName(path) + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnly;
        }

        try
        {
            using (var stream = new FileStream(temporary, options))
            {
                stream.Write(content);
                stream.Flush(flushToDisk: true);
            }

            // Without overwrite, the move fails if the target appeared meanwhile: two starts never both create a key.
            File.Move(temporary, path, overwrite);
            return true;
        }
        catch (IOException) when (!overwrite && File.Exists(path))
        {
            return false;
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }

    /// <summary>Writes UTF-8 text; see <see cref="Write(string, ReadOnlySpan{byte}, bool)"/>.</summary>
    public static bool WriteText(string path, string text, bool overwrite) => Write(path, System.Text.Encoding.UTF8.GetBytes(text), overwrite);
}
