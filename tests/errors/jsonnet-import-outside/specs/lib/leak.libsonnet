// A library that reaches out of the specs folder: refused at this line, not at the caller.
{
  description: importstr '../../secret.txt',
}
