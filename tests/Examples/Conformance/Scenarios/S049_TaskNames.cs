using System.Globalization;
using System.Text.RegularExpressions;

namespace Aio.Examples.Conformance.Scenarios;

/// <summary>Task names: explicit name, set_name/get_name, non-string names are converted with str(), automatic names are 'Task-&lt;n&gt;' with n incremented per created task.</summary>
public static class S049_TaskNames
{
    public static void Run(TextWriter output)
    {
        async Coroutine Noop()
        {
        }

        async Coroutine Main()
        {
            var a = Asyncio.CreateTask(Noop(), name: "alpha");
            Py.Print(output, "explicit:", a.Name);
            a.Name = "beta";
            Py.Print(output, "after set_name:", a.Name);
            // A task name is a string in C#: the str() that asyncio applies inside create_task and
            // set_name happens at the call site, where the compiler requires it.
            var b = Asyncio.CreateTask(Noop(), name: 42.ToString(CultureInfo.InvariantCulture));
            Py.Print(output, "name=42 becomes the string:", Repr.Of(b.Name));
            b.Name = 7.ToString(CultureInfo.InvariantCulture);
            Py.Print(output, "set_name(7) becomes the string:", Repr.Of(b.Name));
            var c = Asyncio.CreateTask(Noop());
            var d = Asyncio.CreateTask(Noop());
            var mc = Regex.Match(c.Name, @"^Task-(\d+)$");
            var md = Regex.Match(d.Name, @"^Task-(\d+)$");
            Py.Print(output, "automatic names match Task-<n>:", mc.Success && md.Success);
            Py.Print(output, "consecutive automatic numbers:", long.Parse(md.Groups[1].Value, CultureInfo.InvariantCulture) == long.Parse(mc.Groups[1].Value, CultureInfo.InvariantCulture) + 1);
            await Asyncio.Gather(a, b, c, d);
        }

        var loop = Asyncio.NewEventLoop(LoopClock.Virtual);
        loop.RunUntilComplete(loop.CreateTask(Main(), name: "Main"));
        loop.Close();
    }
}
