import DMSProto
import DMSWire
import Testing

@Suite struct RPCErrorTests {
    static let violations = [
        RPCError.FieldViolation(field: "connection.name", description: "must not be empty"),
        RPCError.FieldViolation(field: "connection.port", description: "must be between 1 and 65535"),
        RPCError.FieldViolation(field: "connection.options[2].key", description: "is not a known option"),
    ]

    @Test func statusConversionKeepsCodeMessageAndEveryViolation() {
        let error = RPCError(.failedPrecondition, "connection is in use", violations: Self.violations)
        let status = error.status
        #expect(status.code == .failedPrecondition)
        #expect(status.message == "connection is in use")
        #expect(status.violations.map(\.field) == Self.violations.map(\.field))
        #expect(status.violations.map(\.description_p) == Self.violations.map(\.description))
        #expect(RPCError(status: status) == error)
    }

    @Test(arguments: [Dms_V1_Status.Code.ok, .notFound, .unauthenticated, .UNRECOGNIZED(42)])
    func wireStatusSurvivesTheRoundTripThroughRPCError(code: Dms_V1_Status.Code) throws {
        var status = Dms_V1_Status()
        status.code = code
        status.message = "message for \(code)"
        var violation = Dms_V1_FieldViolation()
        violation.field = "a.b"
        violation.description_p = "is wrong"
        status.violations = [violation, violation]
        #expect(RPCError(status: status).status == status)
        // And through the bytes, since clients read it from an END frame.
        let decoded = try Dms_V1_Status(serializedBytes: try status.serializedBytes() as [UInt8])
        #expect(RPCError(status: decoded) == RPCError(status: status))
    }

    @Test func invalidArgumentListsEveryFieldInItsMessage() {
        let error = RPCError.invalidArgument(Self.violations)
        #expect(error.code == .invalidArgument)
        #expect(error.violations == Self.violations)
        for violation in Self.violations {
            #expect(error.message.contains("\(violation.field): \(violation.description)"), "\(error.message)")
        }
    }

    @Test(arguments: [
        (Dms_V1_Status.Code.ok, "OK"), (.cancelled, "CANCELLED"), (.unknown, "UNKNOWN"),
        (.invalidArgument, "INVALID_ARGUMENT"), (.deadlineExceeded, "DEADLINE_EXCEEDED"), (.notFound, "NOT_FOUND"),
        (.alreadyExists, "ALREADY_EXISTS"), (.permissionDenied, "PERMISSION_DENIED"),
        (.resourceExhausted, "RESOURCE_EXHAUSTED"), (.failedPrecondition, "FAILED_PRECONDITION"), (.aborted, "ABORTED"),
        (.outOfRange, "OUT_OF_RANGE"), (.unimplemented, "UNIMPLEMENTED"), (.internal, "INTERNAL"),
        (.unavailable, "UNAVAILABLE"), (.dataLoss, "DATA_LOSS"), (.unauthenticated, "UNAUTHENTICATED"),
        (.UNRECOGNIZED(99), "CODE_99"),
    ])
    func codeNamesAreTheProtocolDocumentsNames(code: Dms_V1_Status.Code, name: String) {
        #expect(code.name == name)
    }

    @Test func everyKnownCodeHasADistinctName() {
        let names = Dms_V1_Status.Code.allCases.map(\.name)
        #expect(Set(names).count == names.count)
        #expect(Dms_V1_Status.Code.allCases.count == 17)
    }

    @Test func descriptionShowsNameNumberAndMessage() {
        #expect(RPCError(.notFound, "no connection \"pg\"").description == "NOT_FOUND (5): no connection \"pg\"")
    }

    @Test func anRPCErrorIsItsOwnRPCErrorConvertible() {
        let error: any RPCErrorConvertible = RPCError(.aborted, "try again")
        #expect(error.rpcError == RPCError(.aborted, "try again"))
    }
}
