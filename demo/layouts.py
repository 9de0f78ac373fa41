"""The column layouts of the demo company's tables: names, types and order.

The six tables a real Sage 100 company is known to expose over ODBC (``CI_Item``,
``IM_ItemWarehouse``, ``WO1_WorkOrderMaster``, ``WO2_WorkOrderMaterialDetail``, ``PR_Employee``)
have exactly the columns of a published dump of a real company's ODBC tables, in its order and
type; ``WO3_WorkOrderOperationDetail`` has the columns public client code reads from it (their
types beyond the key are not published: chosen like WO1's). The other tables (marked † in
PRODUCT.md) are not confirmed and keep the portal's own names.

Types are spelled only ``CHAR(n)``, ``VARCHAR(n)``, ``DECIMAL(p,s)``, ``DATE``, ``TEXT`` and
``INTEGER``: code that copies the company into another database reads them.
"""
from __future__ import annotations

import re

_COLUMN = re.compile(r"\s*(\w+) ((?:VAR)?CHAR\(\d+\)|DECIMAL\(\d+,\d+\)|DATE|TEXT|INTEGER)\s*")


def _columns(spec: str) -> list[tuple[str, str]]:
    """``"Name TYPE, Name TYPE, ..."`` as [(name, type)]; refuses any other spelling of a type."""
    columns = []
    for part in re.split(r",(?![^(]*\))", spec):
        if not (m := _COLUMN.fullmatch(part)):
            raise ValueError(f"Not a column of a demo table: {part!r}")
        columns.append((m[1], m[2]))
    return columns


CI_ITEM = _columns("""
    ItemCode VARCHAR(30), ItemType VARCHAR(1), ItemCodeDesc VARCHAR(30),
    ExtendedDescriptionKey VARCHAR(10), UseInAR VARCHAR(1), UseInSO VARCHAR(1),
    UseInPO VARCHAR(1), UseInBM VARCHAR(1), CalculateCommission VARCHAR(1),
    DropShip VARCHAR(1), EBMEnabled VARCHAR(1), PriceCode VARCHAR(4),
    PrintReceiptLabels VARCHAR(1), AllocateLandedCost VARCHAR(1), WarrantyCode VARCHAR(10),
    SalesUnitOfMeasure VARCHAR(4), PurchaseUnitOfMeasure VARCHAR(4),
    StandardUnitOfMeasure VARCHAR(4), PostToGLByDivision VARCHAR(1), SalesAcctKey VARCHAR(9),
    CostOfGoodsSoldAcctKey VARCHAR(9), InventoryAcctKey VARCHAR(9), PurchaseAcctKey VARCHAR(9),
    ManufacturingCostAcctKey VARCHAR(9), TaxClass VARCHAR(2), PurchasesTaxClass VARCHAR(2),
    ProductLine VARCHAR(4), ProductType VARCHAR(1), Valuation VARCHAR(1),
    DefaultWarehouseCode VARCHAR(3), PrimaryAPDivisionNo VARCHAR(2),
    PrimaryVendorNo VARCHAR(7), ImageFile VARCHAR(30), Category1 VARCHAR(10),
    Category2 VARCHAR(10), Category3 VARCHAR(10), Category4 VARCHAR(10),
    ExplodeKitItems VARCHAR(1), ShipWeight VARCHAR(10), CommentText TEXT,
    RestockingMethod VARCHAR(1), StandardUnitCost DECIMAL(15,6),
    StandardUnitPrice DECIMAL(15,6), CommissionRate DECIMAL(8,3), BaseCommAmt DECIMAL(11,2),
    PurchaseUMConvFctr DECIMAL(11,4), SalesUMConvFctr DECIMAL(11,4), Volume DECIMAL(10,4),
    RestockingCharge DECIMAL(10,3), ProcurementType VARCHAR(1), DateCreated DATE,
    TimeCreated VARCHAR(8), UserCreatedKey VARCHAR(10), DateUpdated DATE,
    TimeUpdated VARCHAR(8), UserUpdatedKey VARCHAR(10), AllowBackOrders VARCHAR(1),
    AllowReturns VARCHAR(1), AllowTradeDiscount VARCHAR(1),
    ConfirmCostIncrInRcptOfGoods VARCHAR(1), LastSoldDate DATE, LastReceiptDate DATE,
    SalesPromotionCode VARCHAR(10), SaleStartingDate DATE, SaleEndingDate DATE,
    SaleMethod VARCHAR(1), NextLotSerialNo VARCHAR(15), InventoryCycle VARCHAR(1),
    RoutingNo VARCHAR(20), PlannerCode VARCHAR(3), BuyerCode VARCHAR(3),
    LowLevelCode VARCHAR(2), PlannedByMRP VARCHAR(1), VendorItemCode VARCHAR(30),
    SetupCharge VARCHAR(1), AttachmentFileName VARCHAR(30),
    ItemImageWidthInPixels DECIMAL(4,0), ItemImageHeightInPixels DECIMAL(4,0),
    LastTotalUnitCost DECIMAL(15,6), AverageUnitCost DECIMAL(15,6),
    SalesPromotionPrice DECIMAL(15,6), SuggestedRetailPrice DECIMAL(15,6),
    SalesPromotionDiscountPercent DECIMAL(11,3), TotalQuantityOnHand DECIMAL(15,6),
    AverageBackOrderFillDays DECIMAL(5,0), LastAllocatedUnitCost DECIMAL(15,6),
    TotalInventoryValue DECIMAL(14,2), InactiveItem VARCHAR(1), UDF_DUTYPCT DECIMAL(9,2),
    UDF_FREIGHTAIR DECIMAL(10,3), UDF_HTSCODE VARCHAR(30), UDF_BASEFREIGHT DECIMAL(10,3),
    UDF_CATALOG_DESCRIPTION VARCHAR(60), UDF_UPC VARCHAR(12), UDF_UPC_BY_COLOR VARCHAR(12),
    UDF_COUNTRY_ORIGIN VARCHAR(16), LastPhysicalCountDate DATE, CommodityCode VARCHAR(12),
    TrackLotSerialExpirationDates VARCHAR(1), RequireExpirationDate VARCHAR(1),
    CalculateExpDateBasedOn VARCHAR(1), NumberUntilExpiration DECIMAL(3,0),
    CalculateSellByBasedOn VARCHAR(1), NumberToSellByBefore DECIMAL(3,0),
    NumberToSellByAfter DECIMAL(3,0), CalculateUseByBasedOn VARCHAR(1),
    NumberToUseByBefore DECIMAL(3,0), NumberToUseByAfter DECIMAL(3,0),
    CalculateReturnsBasedOn VARCHAR(1), NumberToReturnAfter DECIMAL(3,0)
""")
IM_ITEMWAREHOUSE = _columns("""
    ItemCode VARCHAR(30), WarehouseCode VARCHAR(3), BinLocation VARCHAR(10),
    ReorderMethod VARCHAR(1), QuantityOnHand DECIMAL(15,6),
    QuantityOnPurchaseOrder DECIMAL(15,6), QuantityOnSalesOrder DECIMAL(15,6),
    QuantityOnBackOrder DECIMAL(15,6), AverageCost DECIMAL(15,6),
    QuantityRequiredForWO DECIMAL(15,6), EconomicOrderQty DECIMAL(15,6),
    ReorderPointQty DECIMAL(15,6), MinimumOrderQty DECIMAL(15,6),
    MaximumOnHandQty DECIMAL(15,6), QuantityOnWorkOrder DECIMAL(15,6),
    QuantityInShipping DECIMAL(15,6), TotalWarehouseValue DECIMAL(14,2),
    CostCalcQtyCommitted DECIMAL(15,6), CostCalcCostCommitted DECIMAL(15,6), DateCreated DATE,
    TimeCreated VARCHAR(8), UserCreatedKey VARCHAR(10), DateUpdated DATE,
    TimeUpdated VARCHAR(8), UserUpdatedKey VARCHAR(10), LastPhysicalCountDate DATE
""")
WO1_WORKORDERMASTER = _columns("""
    WorkOrder CHAR(7), ItemBillDescription CHAR(30), ItemUM CHAR(4), BillRevision CHAR(3),
    BillOptions CHAR(18), EffectiveDate DATE, RoutingNumber CHAR(20), IssueMethod CHAR(1),
    PrntPickList CHAR(1), UserDefinedField1 CHAR(10), UserDefinedField2 CHAR(10),
    UserDefinedField3 CHAR(10), UserDefinedField4 CHAR(10), PlannerCode CHAR(3),
    CopyFromTemplate CHAR(7), PrntLabels CHAR(1), ExplodeSubassemblies CHAR(1),
    CostCmplMthd CHAR(1), AutoIssueMatlTran CHAR(1), AutoGenLabTran CHAR(1),
    AutoGenOutsProcTran CHAR(1), DateClosed DATE, MakeFor CHAR(1), MakeForOrderNumber CHAR(7),
    SOLineIndex CHAR(6), ParentWhse CHAR(3), DefaultComponentWhse CHAR(3), Status CHAR(1),
    WODate DATE, WODueDate DATE, SchedRelDate DATE, ActualProdStartDate DATE,
    LastActivityDate DATE, LastReschedDate DATE, PriorDueDate DATE, UserWhoLastResched CHAR(3),
    OnHold CHAR(1), StatusComment CHAR(30), TravelerPrinted CHAR(1), LastStepComplete CHAR(4),
    SubstepPrefix CHAR(1), SubstepSuffix CHAR(4), CustomerDivision CHAR(2),
    SOCustNumber CHAR(20), ItemBillNumber VARCHAR(30), LinkToFirstDetailRecord DECIMAL(11,0),
    UMConversion DECIMAL(15,4), QtyOrdered DECIMAL(15,4), YieldPercentage DECIMAL(15,4),
    QtyPlanned DECIMAL(15,4), QtyComplete DECIMAL(15,4), QtyTransferred DECIMAL(15,4),
    QtyScrapped DECIMAL(15,4), CalcLeadTime DECIMAL(11,0), QtyCompletedToday DECIMAL(15,4),
    StdLaborCost DECIMAL(15,4), ActualLaborCost DECIMAL(15,4), StdMaterialCost DECIMAL(15,4),
    ActualMaterialCost DECIMAL(15,4), StdOutsideProcessCost DECIMAL(15,4),
    ActualOutsideProcessCost DECIMAL(15,4), StdFixedOverheadCost DECIMAL(15,4),
    ActualFixedOverheadCost DECIMAL(15,4), StdVariableOverheadCost DECIMAL(15,4),
    ActualVariableOvhdCost DECIMAL(15,4)
""")
WO2_WORKORDERMATERIALDETAIL = _columns("""
    WorkOrder VARCHAR(7), PreviousIndexNumber DECIMAL(11,0), LinkToNextLine DECIMAL(11,0),
    Revision CHAR(3), StepNumber CHAR(4), UM CHAR(4), ItemDescription CHAR(30), Whse CHAR(3),
    ComponentItemNumber VARCHAR(30), QtyParent DECIMAL(15,4), UMconversion DECIMAL(15,4),
    UnitCost DECIMAL(15,4), ScrapPercent DECIMAL(15,4), ExtdQtyRequired DECIMAL(15,4),
    QtyIssued DECIMAL(15,4), QtyCommitted DECIMAL(15,4), DirectCosts DECIMAL(15,4),
    FixedOvhdCosts DECIMAL(15,4), VariableOvhdCosts DECIMAL(15,4),
    StdFixedOverheadAmount DECIMAL(15,4), StdVarOverheadAmount DECIMAL(15,4)
""")
PR_EMPLOYEE = _columns("""
    EmployeeKey VARCHAR(32), DepartmentNo VARCHAR(2), EmployeeNo VARCHAR(7),
    LastName VARCHAR(40), Suffix VARCHAR(4), FirstName VARCHAR(25), MiddleName VARCHAR(25),
    AddressLine1 VARCHAR(40), AddressLine2 VARCHAR(40), City VARCHAR(30), State VARCHAR(2),
    ZipCode VARCHAR(10), CountryCode VARCHAR(3), TelephoneNo1 VARCHAR(20),
    TelephoneExt1 VARCHAR(6), TelephoneType1 VARCHAR(1), PrimaryTelephone1 VARCHAR(1),
    TelephoneNo2 VARCHAR(20), TelephoneExt2 VARCHAR(6), TelephoneType2 VARCHAR(1),
    PrimaryTelephone2 VARCHAR(1), EmailAddress VARCHAR(50), SocialSecurityNo VARCHAR(9),
    BirthDate DATE, DirectDeposit VARCHAR(1), JobTitle VARCHAR(50),
    FullTimePartTime VARCHAR(1), SeasonalEmployee VARCHAR(1), StatutoryEmployee VARCHAR(1),
    EmployeeStatus VARCHAR(1), HireDate DATE, HireComment VARCHAR(30), ReviewDate DATE,
    ReviewComment VARCHAR(30), InactiveDate DATE, InactiveComment VARCHAR(30),
    TerminationDate DATE, TerminationComment VARCHAR(30), RehireDate DATE,
    RehireComment VARCHAR(30), MaritalStatus VARCHAR(1), Gender VARCHAR(1),
    EthnicityRace VARCHAR(1), Veteran VARCHAR(1), VeteranSeparationServiceDate DATE,
    SortField VARCHAR(10), Location VARCHAR(10), EmergencyContact1 VARCHAR(30),
    EmergencyTelephoneNo1 VARCHAR(20), EmergencyTelephoneExt1 VARCHAR(6),
    EmergencyTelephoneType1 VARCHAR(1), EmergencyRelationship1 VARCHAR(30),
    EmergencyContact2 VARCHAR(30), EmergencyTelephoneNo2 VARCHAR(20),
    EmergencyTelephoneExt2 VARCHAR(6), EmergencyTelephoneType2 VARCHAR(1),
    EmergencyRelationship2 VARCHAR(30), MedicalCoverage VARCHAR(1), MedicalEffectiveDate DATE,
    TimeOffCode VARCHAR(6), TimeOffEligibilityDate DATE, TimeOffLastResetDate DATE,
    DefaultTaxProfileCode VARCHAR(30), WorkTaxStateCode VARCHAR(2),
    WorkTaxLocationCode VARCHAR(30), ResidenceTaxStateCode VARCHAR(2),
    ResidenceTaxLocationCode VARCHAR(30), SetupComplete VARCHAR(1),
    EmployeeCheckName VARCHAR(50), LaborCode VARCHAR(7), PayCycle VARCHAR(1),
    PayMethod VARCHAR(1), ExemptFromOvertime VARCHAR(1), MultipleAutomaticEarnings VARCHAR(1),
    SummarizePayDtlOnStub VARCHAR(1), EmployeePayRate1DateChanged DATE,
    EmployeePayRate1ChangeComment VARCHAR(30), EmployeePayRate2DateChanged DATE,
    EmployeePayRate2ChangeComment VARCHAR(30), EmployeePayRate3DateChanged DATE,
    EmployeePayRate3ChangeComment VARCHAR(30), EmployeePayRate4DateChanged DATE,
    EmployeePayRate4ChangeComment VARCHAR(30), EmployeePayRate5DateChanged DATE,
    EmployeePayRate5ChangeComment VARCHAR(30), EmployeePayRate6DateChanged DATE,
    EmployeePayRate6ChangeComment VARCHAR(30), EmployeePayRate7DateChanged DATE,
    EmployeePayRate7ChangeComment VARCHAR(30), EmployeePayRate8DateChanged DATE,
    EmployeePayRate8ChangeComment VARCHAR(30), EmployeePayRate9DateChanged DATE,
    EmployeePayRate9ChangeComment VARCHAR(30), TimeOff1CarryoverHours DECIMAL(6,2),
    TimeOff1AccruedHours DECIMAL(6,2), TimeOff1UsedHours DECIMAL(6,2),
    TimeOff1AnnualLimitHours DECIMAL(7,2), TimeOff2CarryoverHours DECIMAL(6,2),
    TimeOff2AccruedHours DECIMAL(6,2), TimeOff2UsedHours DECIMAL(6,2),
    TimeOff2AnnualLimitHours DECIMAL(7,2), TimeOff3CarryoverHours DECIMAL(6,2),
    TimeOff3AccruedHours DECIMAL(6,2), TimeOff3UsedHours DECIMAL(6,2),
    TimeOff3AnnualLimitHours DECIMAL(7,2), AutopayHours DECIMAL(6,2),
    EmployeePayRate1 DECIMAL(11,3), EmployeePayRate2 DECIMAL(11,3),
    EmployeePayRate3 DECIMAL(11,3), EmployeePayRate4 DECIMAL(11,3),
    EmployeePayRate5 DECIMAL(11,3), EmployeePayRate6 DECIMAL(11,3),
    EmployeePayRate7 DECIMAL(11,3), EmployeePayRate8 DECIMAL(11,3),
    EmployeePayRate9 DECIMAL(11,3), EncryptedVals TEXT, SSNSort VARCHAR(32), DateCreated DATE,
    TimeCreated VARCHAR(8), UserCreatedKey VARCHAR(10), DateUpdated DATE,
    TimeUpdated VARCHAR(8), UserUpdatedKey VARCHAR(10), RetirementPlan VARCHAR(1),
    TimeTrackShiftCode VARCHAR(6), TimeTrackBadgeNo VARCHAR(10),
    TimeTrackPunchInOutPassword VARCHAR(33), TimeTrackDfltCostCode VARCHAR(9),
    TimeTrackDfltRegEarningsCode VARCHAR(6), TimeTrackDfltOTEarningsCode VARCHAR(6),
    TimeTrackDfltOtherEarningsCode VARCHAR(6), AddressLine3 VARCHAR(40),
    GenderIdentity VARCHAR(1), EEOJobCategory VARCHAR(1), SelfServiceEnabled VARCHAR(1)
""")
# Key WorkOrder + StepNumber; the columns public client code reads (types past the key: ours).
WO3_WORKORDEROPERATIONDETAIL = _columns("""
    WorkOrder CHAR(7), StepNumber CHAR(4), WorkCenter CHAR(5), OperationCode CHAR(5),
    StepDescription CHAR(30), StepComplete CHAR(1), QtyCompleted DECIMAL(15,4),
    StdRunTime DECIMAL(15,4), ExtdStdTime DECIMAL(15,4), ActualRunTime DECIMAL(15,4),
    ActualLaborCost DECIMAL(15,4)
""")

_QTY, _MONEY, _HOURS = "DECIMAL(16,4)", "DECIMAL(14,4)", "DECIMAL(12,4)"

TABLES: dict[str, list[tuple[str, str]]] = {
    "WO1_WorkOrderMaster": WO1_WORKORDERMASTER,
    "WO3_WorkOrderOperationDetail": WO3_WORKORDEROPERATIONDETAIL,
    "WO2_WorkOrderMaterialDetail": WO2_WORKORDERMATERIALDETAIL,
    "CI_Item": CI_ITEM,
    "IM_ItemWarehouse": IM_ITEMWAREHOUSE,
    "PR_Employee": PR_EMPLOYEE,
    # † not confirmed from public sources: the portal's own names, editable per site.
    "IM_Warehouse": [("WarehouseCode", "CHAR(3)"), ("WarehouseDesc", "VARCHAR(30)")],
    "WO_WorkCenter": [("WorkCenter", "CHAR(5)"), ("WorkCenterDesc", "VARCHAR(30)")],
    "WO_OperationCode": [
        ("WorkCenter", "CHAR(5)"),
        ("OperationCode", "CHAR(5)"),
        ("OperationDesc", "VARCHAR(30)"),
        ("StandardRunType", "CHAR(1)"),  # L, O or H
        ("StdRate", _MONEY),
    ],
    "WO_LaborCrew": [("CrewNo", "CHAR(4)"), ("CrewDesc", "VARCHAR(30)")],
    "WO_LaborCrewMember": [("CrewNo", "CHAR(4)"), ("EmployeeNo", "CHAR(7)")],
    # Written by WOScan Sync / the importer simulator; empty in a new company.
    "WO_TransactionEntryHeader": [
        ("BatchNo", "CHAR(6)"),
        ("TransactionNo", "CHAR(6)"),
        ("TransType", "VARCHAR(20)"),
        ("WorkOrder", "CHAR(7)"),
        ("EntryDate", "DATE"),
        ("TotalHours", _HOURS),
        ("TotalQuantity", _QTY),
    ],
    "WO_TransactionEntryDetail": [
        ("BatchNo", "CHAR(6)"),
        ("TransactionNo", "CHAR(6)"),
        ("LineNo", "INTEGER"),
        ("TransType", "VARCHAR(20)"),
        ("WorkOrder", "CHAR(7)"),
        ("StepNo", "CHAR(4)"),
        ("EmployeeNo", "CHAR(7)"),
        ("ItemCode", "VARCHAR(30)"),
        ("Hours", _HOURS),
        ("Quantity", _QTY),
    ],
    "WO_TransactionHistory": [
        ("BatchNo", "CHAR(6)"),
        ("TransactionNo", "CHAR(6)"),
        ("TransType", "VARCHAR(20)"),
        ("WorkOrder", "CHAR(7)"),
        ("PostingDate", "DATE"),
        ("Hours", _HOURS),
        ("Quantity", _QTY),
    ],
}

# WO2_WorkOrderMaterialDetail has no key: the lines of one order form a linked list
# (WO1.LinkToFirstDetailRecord; PreviousIndexNumber / LinkToNextLine on each line), so it is not here.
PRIMARY_KEYS: dict[str, tuple[str, ...]] = {
    "WO1_WorkOrderMaster": ("WorkOrder",),
    "WO3_WorkOrderOperationDetail": ("WorkOrder", "StepNumber"),
    "CI_Item": ("ItemCode",),
    "IM_ItemWarehouse": ("ItemCode", "WarehouseCode"),
    "PR_Employee": ("EmployeeKey",),
    "IM_Warehouse": ("WarehouseCode",),
    "WO_WorkCenter": ("WorkCenter",),
    "WO_OperationCode": ("WorkCenter", "OperationCode"),
    "WO_LaborCrew": ("CrewNo",),
    "WO_LaborCrewMember": ("CrewNo", "EmployeeNo"),
    "WO_TransactionEntryHeader": ("BatchNo", "TransactionNo"),
    "WO_TransactionEntryDetail": ("BatchNo", "TransactionNo", "LineNo"),
    "WO_TransactionHistory": ("BatchNo", "TransactionNo"),
}
