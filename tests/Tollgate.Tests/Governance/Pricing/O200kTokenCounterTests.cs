using System.Text;
using Microsoft.ML.Tokenizers;
using Tollgate.Governance.Pricing;

namespace Tollgate.Tests.Governance.Pricing;

/// <summary>
/// Holds the compact counter to Microsoft.ML.Tokenizers' o200k tokenizer (the reference it replaced): the same count
/// for every text, from plain English to code, CJK, emoji, long runs and random Unicode.
/// </summary>
public sealed class O200kTokenCounterTests
{
    private static readonly Lazy<O200kTokenCounter> Counter = new(O200kTokenCounter.Load);
    private static readonly Lazy<Tokenizer> Reference = new(() => TiktokenTokenizer.CreateForModel("gpt-4o"));

    public static TheoryData<string> Texts => new()
    {
        "hello world",
        "Hello, World! How's it going? I'll be there; they've said we'd come.",
        "You are a helpful assistant. Answer in JSON.",
        """{"model":"gpt-4o-mini","messages":[{"role":"user","content":"What is 2+2?"}],"max_tokens":50}""",
        "def fib(n):\n    return n if n < 2 else fib(n - 1) + fib(n - 2)\n\n\n\tprint(fib(30))\r\n",
        "1234567890 3.14159 -42 1e10 0x7fffffff 2026-11-23T19:00:00Z",
        "日本語のテキストと中文文本，还有한국어 텍스트도 있습니다。",
        "Ünïcödé áccents, Ελληνικά, русский текст, עברית, العربية",
        "emoji 🎉🚀👩‍👩‍👧‍👦 and flags 🇫🇷🇯🇵 and skin tones 👍🏽",
        "   leading spaces, trailing spaces   \n\n\n   and blank lines\r\n\r\n",
        "special tokens <|endoftext|> in the middle <|endofprompt|> and <|not_special|> and <|",
        "<|endoftext|>",
        "URLs https://example.com/path?q=1&r=2#frag and paths /usr/local/bin/ and C:\\Windows\\",
        "CamelCaseIdentifiers andSnake_case_names, ALLCAPS, MiXeD",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        "",
    };

    [Theory]
    [MemberData(nameof(Texts))]
    public void CountTokens_EqualsTheReferenceTokenizer(string text)
    {
        Assert.Equal(Reference.Value.CountTokens(text), Counter.Value.CountTokens(text));
    }

    [Fact]
    public void CountTokens_LongPiecesAndRandomUnicode_EqualTheReferenceTokenizer()
    {
        // Pieces longer than the stack buffers take the pooled path.
        var longWord = string.Concat(Enumerable.Repeat("antidisestablishmentarianism", 40));
        var longNumberRun = string.Concat(Enumerable.Range(0, 500).Select(i => (i % 10).ToString()));
        var longPunctuation = new string('=', 700) + "\n";
        foreach (var text in new[] { longWord, longNumberRun, longPunctuation, longWord + " " + longPunctuation })
        {
            Assert.Equal(Reference.Value.CountTokens(text), Counter.Value.CountTokens(text));
        }

        var random = new Random(20261123);
        for (var round = 0; round < 300; round++)
        {
            var text = RandomText(random, random.Next(1, 400));
            Assert.True(Reference.Value.CountTokens(text) == Counter.Value.CountTokens(text), $"round {round}: {text}");
        }
    }

    [Fact]
    public void Load_ReadsTheWholeVocabulary()
    {
        // o200k_base: 199,998 mergeable tokens (the special tokens come on top).
        Assert.Equal(199_998, Counter.Value.VocabularySize);
    }

    // Mixes ASCII words, digits, whitespace, punctuation and code points from several scripts, including astral ones.
    private static string RandomText(Random random, int length)
    {
        ReadOnlySpan<(int From, int To)> ranges =
        [
            (0x20, 0x7E), (0x20, 0x7E), (0x20, 0x7E), (0x0A, 0x0D), (0xC0, 0x24F), (0x370, 0x3FF), (0x400, 0x4FF),
            (0x590, 0x6FF), (0x300, 0x36F), (0x3040, 0x30FF), (0x4E00, 0x4FFF), (0xAC00, 0xAD00), (0x1F300, 0x1F64F),
        ];
        var builder = new StringBuilder(length * 2);
        for (var i = 0; i < length; i++)
        {
            var (from, to) = ranges[random.Next(ranges.Length)];
            builder.Append(char.ConvertFromUtf32(random.Next(from, to + 1)));
        }

        return builder.ToString();
    }
}
