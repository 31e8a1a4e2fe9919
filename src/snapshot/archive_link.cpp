// libarchive's one helper that its pax writer shares with its format table. The table's object
// file also holds archive_write_set_format(), which names every format libarchive has: linked
// statically, that pulls in 7-Zip, ISO 9660 and XAR and the zlib, bzip2, lzma and libxml2 they
// need. Defined here (and linked first, with -u) the helper leaves the table out. Packs hold
// regular files only, so libarchive never calls it.
#include <archive.h>
#include <archive_entry.h>

#include <cerrno>

// libarchive's own ARCHIVE_ERRNO_FILE_FORMAT, from a header it does not install.
constexpr int k_file_format_error = EILSEQ;

// NOLINTNEXTLINE(bugprone-reserved-identifier,readability-identifier-naming): libarchive names it
extern "C" void __archive_write_entry_filetype_unsupported(struct archive* a, struct archive_entry* entry,
                                                           const char* format) {
  archive_set_error(a, k_file_format_error, "%s: %s format cannot archive this", archive_entry_pathname(entry),
                    format);
}
