public struct PrecedentCommand { public static func main() {} }
