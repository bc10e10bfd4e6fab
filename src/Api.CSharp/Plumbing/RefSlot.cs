namespace Aio;

// An array element that holds a reference inside a struct. Storing into an array of an interface or a
// non-sealed class checks the element's type on every store (the runtime's covariance check, through
// its cast cache); an array of structs has no such check. ReadyEntries and TaskRegistry store on hot paths.
internal struct RefSlot<T>
    where T : class
{
    public T? Value;
}
