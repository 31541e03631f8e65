// MSBuild inline task (RoslynCodeTaskFactory): marks one GNU symbol-version requirement of an ELF64 shared library
// as weak, so that the dynamic loader warns instead of failing when the system library lacks that version.
using System;
using System.IO;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

public sealed class CqtMlWeakenGlibcxxVersion : Task
{
    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const ushort VerFlagWeak = 0x2;

    [Required]
    public ITaskItem[] Files { get; set; } = Array.Empty<ITaskItem>();

    [Required]
    public string VersionName { get; set; } = string.Empty;

    public override bool Execute()
    {
        if (SystemLibStdCxxHas(VersionName))
        {
            Log.LogMessage(MessageImportance.Low, "libstdc++ provides " + VersionName + "; libLibTorchSharp.so left as is.");
            return true;
        }

        foreach (ITaskItem item in Files)
        {
            string path = item.GetMetadata("FullPath");
            if (!File.Exists(path))
            {
                continue;
            }

            byte[] image = File.ReadAllBytes(path);
            string outcome = Weaken(image, VersionName);
            if (outcome == "patched")
            {
                string temp = path + ".cqtml-tmp";
                File.WriteAllBytes(temp, image);
                File.Replace(temp, path, null);
                Log.LogMessage(MessageImportance.High, "Marked " + VersionName + " weak in " + path + " (Debian 12 libstdc++ lacks it).");
            }
            else
            {
                Log.LogMessage(MessageImportance.Low, path + ": " + outcome);
            }
        }

        return !Log.HasLoggedErrors;
    }

    private static bool SystemLibStdCxxHas(string version)
    {
        string[] candidates =
        {
            "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib/aarch64-linux-gnu/libstdc++.so.6",
            "/usr/lib64/libstdc++.so.6", "/usr/lib/libstdc++.so.6", "/lib/x86_64-linux-gnu/libstdc++.so.6",
        };
        foreach (string candidate in candidates)
        {
            if (File.Exists(candidate))
            {
                byte[] bytes = File.ReadAllBytes(candidate);
                return IndexOf(bytes, Encoding.ASCII.GetBytes(version + "\0")) >= 0;
            }
        }

        return false;
    }

    private static int IndexOf(byte[] haystack, byte[] needle)
    {
        for (int i = 0; i <= haystack.Length - needle.Length; i++)
        {
            int j = 0;
            while (j < needle.Length && haystack[i + j] == needle[j])
            {
                j++;
            }

            if (j == needle.Length)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Returns "patched", "already weak", "not required" or throws on a malformed file.</summary>
    private static string Weaken(byte[] elf, string version)
    {
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
        {
            throw new InvalidDataException("not an ELF file");
        }

        if (elf[4] != 2 || elf[5] != 1)
        {
            return "not ELF64 little-endian; left as is";
        }

        long sectionTable = (long)BitConverter.ToUInt64(elf, 0x28);
        int entrySize = BitConverter.ToUInt16(elf, 0x3A);
        int sectionCount = BitConverter.ToUInt16(elf, 0x3C);
        for (int s = 0; s < sectionCount; s++)
        {
            long header = sectionTable + (long)s * entrySize;
            if (BitConverter.ToUInt32(elf, (int)header + 4) != ShtGnuVerneed)
            {
                continue;
            }

            long offset = (long)BitConverter.ToUInt64(elf, (int)header + 0x18);
            int linkedStrings = (int)BitConverter.ToUInt32(elf, (int)header + 0x28);
            int needCount = (int)BitConverter.ToUInt32(elf, (int)header + 0x2C);
            long stringsHeader = sectionTable + (long)linkedStrings * entrySize;
            long strings = (long)BitConverter.ToUInt64(elf, (int)stringsHeader + 0x18);

            long need = offset;
            for (int n = 0; n < needCount; n++)
            {
                int auxCount = BitConverter.ToUInt16(elf, (int)need + 2);
                long aux = need + BitConverter.ToUInt32(elf, (int)need + 8);
                for (int a = 0; a < auxCount; a++)
                {
                    int flagsAt = (int)aux + 4;
                    long nameAt = strings + BitConverter.ToUInt32(elf, (int)aux + 8);
                    if (ReadCString(elf, nameAt) == version)
                    {
                        ushort flags = BitConverter.ToUInt16(elf, flagsAt);
                        if ((flags & VerFlagWeak) != 0)
                        {
                            return "already weak";
                        }

                        flags |= VerFlagWeak;
                        elf[flagsAt] = (byte)(flags & 0xff);
                        elf[flagsAt + 1] = (byte)(flags >> 8);
                        return "patched";
                    }

                    aux += BitConverter.ToUInt32(elf, (int)aux + 12);
                }

                need += BitConverter.ToUInt32(elf, (int)need + 12);
            }
        }

        return "not required";
    }

    private static string ReadCString(byte[] bytes, long at)
    {
        int end = (int)at;
        while (end < bytes.Length && bytes[end] != 0)
        {
            end++;
        }

        return Encoding.ASCII.GetString(bytes, (int)at, end - (int)at);
    }
}
