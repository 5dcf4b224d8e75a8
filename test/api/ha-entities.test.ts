/**
 * The parameters Home Assistant's integration builds its entities on (HA-COMPAT.md §10–§11): every
 * one must be served by the gateway — discovered from the simulator, through the HTTP API — at the
 * same index, under the same name, or existing entities, history and automations would break.
 * The lists are copied from HA-COMPAT.md's tables (facts), so this test needs no ../shared.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HA_CIRCUIT_INDICES } from "../helpers/ha-compat-indices.js";
import { type SimApi, startSimApi } from "../helpers/sim-api.js";

/** [index, name] of every entity with a name in the tables (circuit entities: circuit 1). */
const NAMED: readonly [number, string][] = [
  [0, "PS"],
  [1, "HV"],
  [10, "UID"],
  [13, "CompilationDate"],
  [14, "resetCounter"],
  [42, "ADCA1_CORRECT"],
  [61, "TempCWU"],
  [68, "TempWthr"],
  [81, "Outputs"],
  [82, "Inputs"],
  [83, "flapValveStates"],
  [103, "HDWTSetPoint"],
  [104, "HDWTSetPointDownHist"],
  [108, "HDWMaxSetTemp"],
  [112, "HDWMaxTempHist"],
  [113, "HDWLoadTime"],
  [115, "HDWStartOneLoading"],
  [119, "HDWusermode"],
  [134, "HDWsetpointcalculate"],
  [135, "HDWStartLegion"],
  [136, "HDWLegionSetPoint"],
  [137, "HDWLegionDay"],
  [138, "HDWLegionHour"],
  [162, "workState2"],
  [163, "workState3"],
  [164, "workState4"],
  [231, "Circuit1Settings"],
  [236, "Circuit1WorkState"],
  [237, "Circuit1CalcTemp"],
  [238, "Circuit1ComfortTemp"],
  [239, "Circuit1EcoTemp"],
  [240, "Circuit1DownHist"],
  [242, "Circuit1MaxSetTempRad"],
  [243, "Circuit1MaxTempHeat"],
  [261, "Circuit1BaseTemp"],
  [262, "Circuit1TempReduction"],
  [263, "Circuit1Multiplier"],
  [269, "Circuit1TypeSettings"],
  [273, "Circuit1CurveRadiator"],
  [274, "Circuit1CurveFloor"],
  [275, "Circuit1Curveshift"],
  [277, "Circuit1thermostat"],
  [278, "Circuit1name"],
  [279, "Circuit1active"],
  [280, "Circuit1userCor"],
  [374, "Nazwa"],
  [377, "SSID"],
  [380, "Sila_sygnalu_WiFi"],
  [479, "HeatSourceCalcPresetTemp"],
  [481, "HeatSourceTempInc"],
  [485, "HeatingCooling"],
  [495, "HeatingOrCooling"],
  [498, "minWorkTime"],
  [499, "minBreakTime"],
  [503, "compressorMinTimesSett"],
  [586, "MixCirc1HeatCurveFanCoil"],
  [612, "currentFlow"],
  [702, "SummerOn"],
  [703, "SummerOff"],
  [739, "Circuit1MixerCoolBaseTemp"],
  [860, "ipWifi"],
  [863, "iplan"],
  [903, "Circuit1MinSetPointCooling"],
  [904, "Circuit1MaxSetPointCooling"],
  [1047, "ElectricPower"],
  [1048, "HeatingPower"],
  [1049, "CoolingPower"],
  [1050, "HeatingCopTemporary"],
  [1051, "HeatingCopAverage"],
  [1052, "CoolingCopTemporary"],
  [1053, "CoolingCopAverage"],
  [1133, "AxenWorkState"],
  [1134, "AxenOutgoingTemp"],
  [1135, "AxenReturnTemp"],
  [1137, "AxenDischargeTemp"],
  [1139, "AxenSuctionTemp"],
  [1142, "AxenDefrostTemp"],
  [1143, "AxenOutdoorTemp"],
  [1196, "AXEN_REGISTER_49"],
  [1198, "AXEN_REGISTER_51"],
  [1208, "AXEN_REGISTER_61"],
  [1209, "AXEN_REGISTER_62"],
  [1217, "AXEN_REGISTER_70"],
  [1223, "AXEN_REGISTER_76"],
  [1233, "AXEN_REGISTER_86"],
  [1234, "AXEN_REGISTER_87"],
  [1271, "AXEN_REGISTER_2103_RW"],
  [1285, "AXEN_REGISTER_1202_1203"],
  [1286, "AXEN_REGISTER_1204_1205"],
  [1287, "AXEN_REGISTER_1206_1207"],
  [1288, "AXEN_REGISTER_1208_1209"],
  [1289, "AXEN_REGISTER_1210_1211"],
  [1290, "AXEN_REGISTER_1212_1213"],
  [1291, "AXEN_REGISTER_1214_1215"],
  [1350, "HPStatusWorkMode"],
  [1361, "HPStatusHdwHeatStat"],
  [1365, "HPStatusComprHz"],
  [1366, "HPStatusFanRPM"],
  [1369, "AXEN_REGISTER_2150_RW-reboot_unit"],
  [1370, "AXEN_2155-uhsPumpManualPreset"],
  [1385, "HPSMSett"],
  [1386, "HPSMMode"],
  [1431, "hdwLoadTimeLeft"],
  [1432, "Circuit_1_boost_time_left"],
  [1439, "HoldingRegister_6050"],
  [1440, "HoldingRegister_6061"],
  [1441, "HoldingRegister_6271"],
  [1443, "H_FAN_SPEED_0_6244"],
  [1444, "H_FAN_SPEED_1_6231"],
  [1445, "H_FAN_SPEED_2_6232"],
  [1446, "H_FAN_SPEED_3_6233"],
];

/** Every index of the circuits table (circuits 1–7), whatever their names. */
const CIRCUIT_INDICES = HA_CIRCUIT_INDICES;

/** Schedules (§10): AM/PM pairs Sunday…Saturday, all uint32 and writable. */
const SCHEDULE_RANGES: readonly [number, number][] = [
  [120, 133],
  [926, 939],
  [1387, 1400],
  [247, 260],
  [297, 310],
  [881, 894],
  [955, 968],
  [1006, 1019],
  [867, 880],
  [845, 858],
];

interface Served {
  index: number;
  name: string;
  type: number;
  writable: boolean;
}

let gw: SimApi;
let served: Record<string, Served>;

beforeAll(async () => {
  gw = await startSimApi();
  served = (await gw.app.inject({ method: "GET", url: "/api/parameters" })).json().parameters;
});
afterAll(async () => {
  await gw?.close();
});

describe("what Home Assistant's entities read", () => {
  it("serves every named entity's parameter at its index under its name", () => {
    const wrong = NAMED.filter(([index, name]) => served[String(index)]?.name !== name);
    expect(wrong).toEqual([]);
    expect(NAMED.length).toBeGreaterThan(100);
  });

  it("serves every circuit parameter of circuits 1–7", () => {
    expect(CIRCUIT_INDICES.filter((index) => served[String(index)] === undefined)).toEqual([]);
  });

  it("serves every schedule word as a writable uint32", () => {
    for (const [first, last] of SCHEDULE_RANGES) {
      for (let index = first; index <= last; index++) {
        expect(served[String(index)], `schedule ${index}`).toMatchObject({ type: 6, writable: true });
      }
    }
  });
});
